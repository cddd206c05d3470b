import {
  templateFanOutSchema,
  templateLayerListSchema,
  templateLayerViewSchema,
  templateOverridesSavedSchema,
  templatePackCreatedSchema,
  templatePackListSchema,
  type Invoice,
  type TemplateFanOut,
  type WorkflowDefinition,
} from '@exflow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { fanOutFlow } from '../src/packs/templateLayers.js';
import { createTemplateFanOutRepository } from '../src/store/templateFanOutRepository.js';
import { createTemplateRepository } from '../src/store/templateRepository.js';
import { createTenantRepository } from '../src/store/tenantRepository.js';
import { invoiceOf } from './support/approvalFlow.js';
import { eventually, httpClient, PATIENCE_MS, TEST_TIMEOUT_MS } from './support/http.js';
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
  /** Publishes a pack version as a durable job and waits for its per-client report. */
  const publish = async (version: number): Promise<TemplateFanOut> => {
    const queued = await msp('POST', `/api/v1/template-packs/north-ap/versions/${version}/publish`, {});
    expect(queued.status, JSON.stringify(queued.body)).toBe(202);
    expectWire(templateFanOutSchema, queued.body, 'POST /template-packs/:name/versions/:version/publish');
    expect(queued.headers.get('location')).toBe(`/api/v1/template-fanouts/${queued.body.id}`);
    return waitFor(queued.body.id);
  };
  const waitFor = (id: string) =>
    eventually(
      async () => {
        const job = await msp('GET', `/api/v1/template-fanouts/${id}`);
        expectWire(templateFanOutSchema, job.body, 'GET /template-fanouts/:id');
        return job.body.status !== 'running' && (job.body as TemplateFanOut);
      },
      PATIENCE_MS,
      'the fan-out to finish',
    );
  /** The client's definition of the base flow. */
  const layerOf = async (tenant: string) => (await createTemplateRepository(server.db).layer(tenant, 'msp-review'))!;
  /** Cases of the client's flow waiting at the review, started through the real engine. */
  const startCases = async (tenant: string, gross: number, n: number) => {
    const { definitionId } = await layerOf(tenant);
    const version = (await server.db('definitions').where({ tenant_id: tenant, id: definitionId }).first()).latest_version as number;
    const ids = [];
    for (let i = 0; i < n; i++) {
      const invoice = invoiceOf(`${tenant}-${version}-${i}`, gross) as unknown as Invoice;
      ids.push((await server.engine.startCase(tenant, { definitionId, version, invoiceId: null, invoice }, 'u-test')).caseId);
    }
    return ids;
  };
  const caseRows = async (tenant: string, ids: string[]) =>
    Promise.all(
      ids.map(async (id) => {
        const c = await server.db('cases').where({ tenant_id: tenant, id }).first();
        const t = await server.db('tasks').where({ tenant_id: tenant, case_id: id, status: 'open' }).first();
        return {
          version: c.definition_version,
          nodes: c.active_nodes,
          queue: t.queue,
          due: new Date(t.due_at).toISOString(),
          created: new Date(t.created_at).getTime(),
        };
      }),
    );

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
    const installed = await publish(1);
    expect(installed.status).toBe('done');
    expect(installed.clients.map((c: any) => [c.tenantId, c.flows[0].status]).sort()).toEqual([
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
    // running cases on the clients' flows (v2 of each: its overrides), waiting at the review
    const acmeCases = await startCases('acme', 25_000, 3);
    const initechCases = await startCases('initech', 8_000, 2);
    const upgraded = { body: await publish(2) };
    expect(upgraded.body.status).toBe('done');
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
    // each client's running cases were dry-run and moved to its new version, as the dry run said
    expect(byClient.acme.version).toBe(3);
    expect(byClient.acme.migration).toMatchObject({ total: 3, movable: 3, blocked: 0, moved: 3, skipped: 0, notMoved: [], migrations: [{ fromVersion: 2 }] });
    expect(byClient.initech.migration).toMatchObject({
      total: 2,
      movable: 2,
      blocked: 0,
      moved: 2,
      skipped: 0,
      notMoved: [],
      migrations: [{ fromVersion: 2 }],
    });
    // by hand: still at the review, on v3, acme's queue kept, the SLA now the task's opening plus the new base's 12 hours
    for (const c of await caseRows('acme', acmeCases))
      expect(c).toMatchObject({ version: 3, nodes: ['review'], queue: 'acme-ap', due: new Date(c.created + 12 * 3600_000).toISOString() });
    for (const c of await caseRows('initech', initechCases))
      expect(c).toMatchObject({ version: 3, nodes: ['review'], queue: 'msp-ap', due: new Date(c.created + 12 * 3600_000).toISOString() });
    const acmeMigration = byClient.acme.migration.migrations[0].id;
    const stored = await acme('GET', `/api/v1/definitions/${(await layerOf('acme')).definitionId}/migrations/${acmeMigration}`);
    expect(stored.body.cases.map((c: { caseId: string; status: string }) => [c.caseId, c.status]).sort()).toEqual(
      acmeCases.map((id) => [id, 'migrated']).sort(),
    );
    expect((await acme('GET', `/api/v1/cases/${acmeCases[0]}/events`)).body.at(-1)).toMatchObject({
      type: 'case.migrated',
      payload: { fromVersion: 2, toVersion: 3 },
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

  it('a fan-out whose process died after publishing a flow is taken over: the flow is published once, its cases moved or blocked with why', async () => {
    // v3 no longer lets clients add steps: acme's hold after the review becomes a conflict and leaves the flow
    expect((await msp('POST', '/api/v1/template-packs', { name: 'north-ap', flows: [base(20_000, 'PT6H')] })).body.version).toBe(3);
    const waiting = await startCases('acme', 30_000, 3);
    // one of them is past the review, waiting at acme's own hold: it has nowhere to go in the new flow
    const held = waiting.pop()!;
    const [task] = (await acme('GET', `/api/v1/tasks?caseId=${held}`)).body;
    expect((await acme('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'done' })).status).toBe(200);
    expect((await acme('GET', `/api/v1/cases/${held}`)).body.activeNodes).toEqual(['acmeHold']);
    const { definitionId } = await layerOf('acme');
    const latestOf = async () => (await server.db('definitions').where({ tenant_id: 'acme', id: definitionId }).first()).latest_version as number;
    const before = await latestOf();
    // what a process that died right after its first commit leaves: the job, its lease, the flow published and recorded
    const id = await server.db.transaction(async (trx) => {
      const fanOuts = createTemplateFanOutRepository(trx);
      const jobId = await fanOuts.create('msp-north', { pack: 'north-ap', version: 3, clients: ['acme'], actor: 'u-north-platform' });
      const claim = (await fanOuts.claim('a-dead-process', 1500))!;
      const pack = (await createTemplateRepository(trx).pack('msp-north', 'north-ap', 3))!;
      await fanOutFlow(
        trx,
        { clientId: 'acme', mspId: 'msp-north', pack: 'north-ap', version: 3, base: pack.flows[0]!, points: [], actor: claim.actor },
        (t, report) =>
          createTemplateFanOutRepository(t)
            .saveReport(claim, 'a-dead-process', [report])
            .then(() => undefined),
      );
      return jobId;
    });
    expect(await latestOf()).toBe(before + 1);
    const job = await waitFor(id);
    expect(job.clients[0]).toMatchObject({ tenantId: 'acme', status: 'done', attempts: 2 });
    const flow = job.clients[0]!.flows[0]!;
    expect(flow).toMatchObject({
      status: 'upgraded',
      version: before + 1,
      overrides: [
        { nodeId: 'review', status: 'kept' },
        { nodeId: 'acmeHold', status: 'conflict', reason: 'not-allowed' },
      ],
    });
    // its 2 new cases at the review and the 3 the last upgrade moved go; the one at the hold stays, with why
    expect(flow.migration).toMatchObject({ total: 6, movable: 5, blocked: 1, moved: 5, skipped: 0 });
    expect(flow.migration!.notMoved).toEqual([{ caseId: held, fromVersion: before, status: 'blocked', reason: expect.stringContaining('"acmeHold"') }]);
    expect(await latestOf()).toBe(before + 1);
    for (const c of await caseRows('acme', waiting)) expect(c).toMatchObject({ version: before + 1, due: new Date(c.created + 6 * 3600_000).toISOString() });
    expect((await acme('GET', `/api/v1/cases/${held}`)).body).toMatchObject({ definitionVersion: before, activeNodes: ['acmeHold'] });
    expect((await msp('GET', '/api/v1/template-fanouts/nope')).status).toBe(404);
    expect((await acme('GET', `/api/v1/template-fanouts/${id}`)).status).toBe(403);
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
