import {
  templateFanOutSchema,
  templateLayerListSchema,
  templateLayerViewSchema,
  templateOverridesSavedSchema,
  templatePackCreatedSchema,
  templatePackListSchema,
  type WorkflowDefinition,
} from '@exflow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { createTenantRepository } from '../src/store/tenantRepository.js';
import { httpClient, TEST_TIMEOUT_MS } from './support/http.js';
import { expectWire } from './support/wire.js';

/** The MSP's base: start → big? (threshold) → review (queue, SLA) → done / rejected. */
function base(threshold: number, dueIn: string): WorkflowDefinition {
  return {
    schemaVersion: 1,
    key: 'msp-review',
    name: 'MSP review',
    nodes: [
      { id: 'start', kind: 'start' },
      { id: 'big', kind: 'decision', config: { branches: [{ id: 'yes', label: 'large', condition: `invoice.grossTotal > ${threshold}` }] } },
      {
        id: 'review',
        kind: 'humanTask',
        config: {
          title: 'Review',
          queue: 'msp-ap',
          dueIn,
          outcomes: [
            { id: 'done', label: 'Done' },
            { id: 'reject', label: 'Reject' },
          ],
        },
      },
      { id: 'done', kind: 'end', config: { outcome: 'resolved' } },
      { id: 'rejected', kind: 'end', config: { outcome: 'rejected' } },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'big' },
      { id: 'e2', source: 'big', sourcePort: 'yes', target: 'review' },
      { id: 'e3', source: 'big', sourcePort: 'default', target: 'done' },
      { id: 'e4', source: 'review', sourcePort: 'done', target: 'done' },
      { id: 'e5', source: 'review', sourcePort: 'reject', target: 'rejected' },
    ],
  };
}

describe.each(testDatabaseKinds())('MSP template inheritance, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  let msp: ReturnType<typeof httpClient>;
  let acme: ReturnType<typeof httpClient>;
  const inInitech = { 'X-Exflow-Tenant': 'initech' };

  beforeAll(async () => {
    server = await startTestServer({ database, seedDemo: true });
    // a second client of the demo MSP NorthLedger (acme is its first)
    await createTenantRepository(server.db).upsert({ id: 'initech', name: 'Initech', kind: 'client', parentId: 'msp-north' });
    msp = httpClient(server.url, await server.login('platform@northledger.example'));
    acme = httpClient(server.url, await server.login('admin@acme.example'));
  });
  afterAll(() => server?.stop());

  const latest = async (call: ReturnType<typeof httpClient>, headers: Record<string, string> = {}) => {
    const defs = (await call('GET', '/api/v1/definitions', undefined, headers)).body as { id: string; key: string; latestVersion: number }[];
    const d = defs.find((x) => x.key === 'msp-review')!;
    return (await call('GET', `/api/v1/definitions/${d.id}/versions/${d.latestVersion}`, undefined, headers)).body.definition as WorkflowDefinition;
  };
  const node = (d: WorkflowDefinition, id: string) => d.nodes.find((n) => n.id === id)!.config as Record<string, any>;

  it('refuses a pack with an invalid flow, naming it, and stores nothing', async () => {
    const broken = { ...base(10_000, 'PT24H'), edges: base(10_000, 'PT24H').edges.filter((e) => e.id !== 'e3') };
    const refused = await msp('POST', '/api/v1/template-packs', { name: 'north-ap', flows: [broken] });
    expect([refused.status, refused.body.code]).toEqual([422, 'template-pack-invalid']);
    expect(refused.body.errors[0].path).toMatch(/^\/flows\/0/);
    expect((await msp('GET', '/api/v1/template-packs')).body).toEqual([]);
    expect((await acme('POST', '/api/v1/template-packs', { name: 'x', flows: [base(1, 'PT1H')] })).status).toBe(403);
  });

  it('fans a base upgrade out to two clients: one override kept, one conflict reported', async () => {
    // clients may add their own steps after the review (edge e4), nowhere else
    const points = { 'msp-review': ['e4'] };
    const v1 = await msp('POST', '/api/v1/template-packs', {
      name: 'north-ap',
      title: 'NorthLedger AP',
      flows: [base(10_000, 'PT24H')],
      extensionPoints: points,
    });
    expect(v1.status, JSON.stringify(v1.body)).toBe(201);
    expect(v1.body.version).toBe(1);
    expectWire(templatePackCreatedSchema, v1.body, 'POST /template-packs');
    const installed = await msp('POST', '/api/v1/template-packs/north-ap/versions/1/publish', {});
    expect(installed.status, JSON.stringify(installed.body)).toBe(200);
    expect(installed.body.clients.map((c: any) => [c.tenantId, c.flows[0].status]).sort()).toEqual([
      ['acme', 'installed'],
      ['initech', 'installed'],
    ]);

    // acme keeps its own queue and adds a hold after the review; initech lowers the threshold
    const hold = { id: 'acmeHold', kind: 'timer', config: { duration: 'PT1H' } };
    const acmeOverride = await acme('PUT', '/api/v1/template-layers/msp-review/overrides', {
      nodes: { review: { config: { queue: 'acme-ap' } } },
      insert: [{ edge: 'e4', node: hold }],
    });
    expect(acmeOverride.status, JSON.stringify(acmeOverride.body)).toBe(200);
    expectWire(templateOverridesSavedSchema, acmeOverride.body, 'PUT /template-layers/:key/overrides');
    const initechOverride = await msp(
      'PUT',
      '/api/v1/template-layers/msp-review/overrides',
      { nodes: { big: { config: { branches: [{ id: 'yes', label: 'large', condition: 'invoice.grossTotal > 5000' }] } } } },
      inInitech,
    );
    expect(initechOverride.status, JSON.stringify(initechOverride.body)).toBe(200);
    expect(node(await latest(acme), 'review').queue).toBe('acme-ap');

    // the layer is not a copy: the diff shows base vs override value by value
    const view = await acme('GET', '/api/v1/template-layers/msp-review');
    expectWire(templateLayerViewSchema, view.body, 'GET /template-layers/:key');
    expect(view.body.diff).toEqual([
      { nodeId: 'review', path: '/config/queue', base: 'msp-ap', override: 'acme-ap' },
      { nodeId: 'acmeHold', path: '/insert/e4', base: null, override: hold },
    ]);
    expect(view.body.overrides).toEqual({ nodes: { review: { config: { queue: 'acme-ap' } } }, insert: [{ edge: 'e4', node: hold }] });

    // v2: the MSP raises the threshold (initech overrode it) and shortens the SLA (acme did not touch it)
    expect((await msp('POST', '/api/v1/template-packs', { name: 'north-ap', flows: [base(20_000, 'PT12H')], extensionPoints: points })).body.version).toBe(2);
    expect((await acme('GET', '/api/v1/template-packs')).body.map((p: { name: string; version: number }) => `${p.name}@${p.version}`)).toEqual([
      'north-ap@2',
      'north-ap@1',
    ]);
    const upgraded = await msp('POST', '/api/v1/template-packs/north-ap/versions/2/publish', {});
    expect(upgraded.status).toBe(200);
    expectWire(templateFanOutSchema, upgraded.body, 'POST /template-packs/:name/versions/:version/publish');
    expectWire(templatePackListSchema, (await acme('GET', '/api/v1/template-packs')).body, 'GET /template-packs');
    expectWire(templateLayerListSchema, (await acme('GET', '/api/v1/template-layers')).body, 'GET /template-layers');
    const byClient = Object.fromEntries(upgraded.body.clients.map((c: any) => [c.tenantId, c.flows[0]]));
    expect(byClient.acme).toMatchObject({
      key: 'msp-review',
      status: 'upgraded',
      overrides: [
        { nodeId: 'review', status: 'kept', paths: ['/config/queue'] },
        { nodeId: 'acmeHold', status: 'kept', paths: ['/insert'] },
      ],
    });
    expect(byClient.initech).toMatchObject({
      key: 'msp-review',
      status: 'upgraded',
      overrides: [{ nodeId: 'big', status: 'conflict', reason: 'base-changed', paths: ['/config/branches'] }],
    });

    const acmeFlow = await latest(acme);
    expect([node(acmeFlow, 'review').queue, node(acmeFlow, 'review').dueIn]).toEqual(['acme-ap', 'PT12H']);
    expect(acmeFlow.edges.filter((e) => e.id.startsWith('e4')).map((e) => [e.source, e.target])).toEqual([
      ['review', 'acmeHold'],
      ['acmeHold', 'done'],
    ]);
    const initechFlow = await latest(msp, inInitech);
    expect(node(initechFlow, 'big').branches[0].condition).toBe('invoice.grossTotal > 20000');
    expect((await msp('GET', '/api/v1/template-layers', undefined, inInitech)).body[0]).toMatchObject({ baseVersion: 2, report: [{ status: 'conflict' }] });
  });

  it('refuses an override of a step the base lacks, or one that breaks the flow, and changes nothing', async () => {
    const before = await latest(acme);
    const missing = await acme('PUT', '/api/v1/template-layers/msp-review/overrides', { nodes: { nope: { config: { queue: 'x' } } } });
    expect([missing.status, missing.body.code, missing.body.errors[0].path]).toEqual([422, 'template-override-invalid', '/nodes/nope']);
    const elsewhere = await acme('PUT', '/api/v1/template-layers/msp-review/overrides', {
      nodes: {},
      insert: [{ edge: 'e5', node: { id: 'extra', kind: 'timer', config: { duration: 'PT1H' } } }],
    });
    expect([elsewhere.status, elsewhere.body.errors[0].path]).toEqual([422, '/insert/0']);
    expect(elsewhere.body.detail).toContain('does not allow steps on edge "e5"');
    const broken = await acme('PUT', '/api/v1/template-layers/msp-review/overrides', { nodes: { review: { config: { dueIn: 'soon' } } } });
    expect([broken.status, broken.body.code]).toEqual([422, 'template-override-invalid']);
    expect(await latest(acme)).toEqual(before);
  });
});
