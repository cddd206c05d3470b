import { readFileSync } from 'node:fs';
import { createAjv, type OcelLog, type WorkflowDefinition } from '@exflow/shared';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOcelSqlite, writeOcelSqlite } from '../src/insights/ocelSqlite.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { invoiceWithChairPrice } from './support/fixtures.js';
import { slaFlow } from './support/flows.js';
import { eventually, httpClient } from './support/http.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/ocel/${name}`, import.meta.url), 'utf8'));

/** The official OCEL 2.0 JSON schema, with date-time checked as RFC 3339 (ajv's own check is laxer). */
function ocelValidator() {
  const ajv = createAjv({ strict: true });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  return ajv.compile(fixture('ocel20-schema-json.json'));
}

/** Order-free view of a log: sorted lists, empty lists dropped, times as instants. */
function normalise(log: OcelLog) {
  const t = (s: string) => new Date(s).toISOString();
  const byJson = <T>(xs: T[]) => [...xs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return {
    objectTypes: byJson(log.objectTypes.map((x) => ({ name: x.name, attributes: byJson(x.attributes) }))),
    eventTypes: byJson(log.eventTypes.map((x) => ({ name: x.name, attributes: byJson(x.attributes) }))),
    objects: byJson(
      log.objects.map((o) => ({
        id: o.id,
        type: o.type,
        attributes: byJson((o.attributes ?? []).map((a) => ({ name: a.name, value: a.value, time: t(a.time) }))),
        relationships: byJson((o.relationships ?? []).map((r) => ({ objectId: r.objectId, qualifier: r.qualifier }))),
      })),
    ),
    events: byJson(
      log.events.map((e) => ({
        id: e.id,
        type: e.type,
        time: t(e.time),
        attributes: byJson(e.attributes.map((a) => ({ name: a.name, value: a.value }))),
        relationships: byJson((e.relationships ?? []).map((r) => ({ objectId: r.objectId, qualifier: r.qualifier }))),
      })),
    ),
  };
}

/** What every OCEL log must hold together: unique ids, declared types, relations to objects that exist. */
function expectConsistent(log: OcelLog) {
  const objectIds = new Set(log.objects.map((o) => o.id));
  expect(objectIds.size).toBe(log.objects.length);
  expect(new Set(log.events.map((e) => e.id)).size).toBe(log.events.length);
  const objectTypes = new Set(log.objectTypes.map((t) => t.name));
  const eventTypes = new Set(log.eventTypes.map((t) => t.name));
  for (const o of log.objects) {
    expect(objectTypes.has(o.type), o.type).toBe(true);
    for (const r of o.relationships ?? []) expect(objectIds.has(r.objectId), `${o.id} → ${r.objectId}`).toBe(true);
  }
  for (const e of log.events) {
    expect(eventTypes.has(e.type), e.type).toBe(true);
    for (const r of e.relationships) expect(objectIds.has(r.objectId), `${e.id} → ${r.objectId}`).toBe(true);
  }
}

describe('OCEL 2.0 files', () => {
  it('reads the specification’s P2P log: valid against the official schema, and the same after a trip through SQLite', async () => {
    const p2p = fixture('ocel20-specification-p2p.json') as OcelLog;
    const validate = ocelValidator();
    expect(validate(p2p), JSON.stringify(validate.errors)).toBe(true);
    expectConsistent(p2p);
    const back = await readOcelSqlite(await writeOcelSqlite(p2p));
    expect(normalise(back)).toEqual(normalise(p2p));
    // the changing attribute survives as three timed values
    expect(back.objects.find((o) => o.id === 'R3')?.attributes?.map((a) => a.value)).toEqual(['No', 'Yes', 'No']);
    expect(validate({ ...p2p, events: [{ id: 'e1', type: 'x' }] })).toBe(false);
  });
});

const flow: WorkflowDefinition = slaFlow('mining', 'P1D');

describe.each(testDatabaseKinds())('process-mining export, on %s', (database) => {
  let server: TestServer;
  let owner: ReturnType<typeof httpClient>;
  let flowId: string;
  const caseIds: string[] = [];
  const invoiceIds: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ database });
    owner = httpClient(server.url, await server.login('owner@demo.exflow'));
    const analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
    const created = await owner('POST', '/api/v1/definitions', flow);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    flowId = created.body.id;
    expect((await owner('POST', `/api/v1/definitions/${flowId}/publish`)).status).toBe(201);
    for (const n of ['1', '2']) {
      const posted = await analyst('POST', '/api/v1/invoices?definition=mining', invoiceWithChairPrice(`MINE-${n}`, '130.00'));
      expect(posted.status, JSON.stringify(posted.body)).toBe(201);
      caseIds.push(posted.body.case.id);
      invoiceIds.push(posted.body.invoice.id);
    }
    // the first: claimed and accepted; the second stays open
    const task = await eventually(async () => (await analyst('GET', `/api/v1/tasks?caseId=${caseIds[0]}`)).body[0], 10_000, 'review task');
    expect((await analyst('POST', `/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
    expect((await analyst('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'accept', data: {} })).status).toBe(200);
    await eventually(async () => (await analyst('GET', `/api/v1/cases/${caseIds[0]}`)).body.status === 'resolved', 10_000, 'first resolved');
    await eventually(async () => (await analyst('GET', `/api/v1/tasks?caseId=${caseIds[1]}`)).body.length === 1, 10_000, 'second task');
    // triage's stored findings become "finding raised" events
    await server
      .db('invoices')
      .where({ id: invoiceIds[0] })
      .update({
        findings: JSON.stringify([
          { kind: 'priceVariance', severity: 'warning', valueAtRisk: '100.00', message: 'price', check: 'match', ruleId: 'exflow-price' },
        ]),
      });
  });
  afterAll(() => server?.stop());

  const tokens = new Map<string, string>();
  const download = async (path: string, email = 'owner@demo.exflow') => {
    if (!tokens.has(email)) tokens.set(email, await server.login(email));
    return fetch(`${server.url}/api/v1/insights/export/${path}`, { headers: { authorization: `Bearer ${tokens.get(email)}` } });
  };

  it('writes OCEL 2.0 JSON that validates against the official schema, with the objects, events and relations of the cases', async () => {
    const r = await download(`ocel.json?flow=${flowId}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.headers.get('content-disposition')).toContain('exflow-ocel.json');
    const log = (await r.json()) as OcelLog;
    const validate = ocelValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expectConsistent(log);
    const count = (xs: { type: string }[]) => Object.fromEntries([...new Set(xs.map((x) => x.type))].map((t) => [t, xs.filter((x) => x.type === t).length]));
    expect(count(log.objects)).toEqual({ supplier: 1, purchaseOrder: 1, invoice: 2, case: 2, task: 2 });
    expect(count(log.events)).toMatchObject({
      'invoice received': 2,
      'case opened': 2,
      'task created': 2,
      'task claimed': 1,
      'task completed': 1,
      'case closed': 1,
    });
    expect(count(log.events)['step entered']).toBeGreaterThanOrEqual(2);
    const object = (id: string) => log.objects.find((o) => o.id === id);
    expect(object(`invoice:${invoiceIds[0]}`)?.relationships).toEqual([
      { objectId: 'supplier:SUP-001', qualifier: 'issued by' },
      { objectId: 'purchaseOrder:PO-1001', qualifier: 'bills' },
    ]);
    expect(object(`case:${caseIds[0]}`)?.relationships).toEqual([{ objectId: `invoice:${invoiceIds[0]}`, qualifier: 'handles' }]);
    expect(object(`case:${caseIds[0]}`)?.attributes).toContainEqual(expect.objectContaining({ name: 'outcome', value: 'resolved' }));
    const completed = log.events.find((e) => e.type === 'task completed');
    expect(completed?.relationships.map((x) => x.objectId)).toEqual([expect.stringMatching(/^task:/), `case:${caseIds[0]}`, `invoice:${invoiceIds[0]}`]);
    expect(completed?.attributes).toContainEqual({ name: 'outcome', value: 'accept' });
    const finding = log.events.find((e) => e.type === 'finding raised' && e.relationships.some((x) => x.objectId === `invoice:${invoiceIds[0]}`));
    expect(finding?.attributes).toEqual([
      { name: 'kind', value: 'priceVariance' },
      { name: 'severity', value: 'warning' },
      { name: 'valueAtRisk', value: '100.00' },
      { name: 'ruleId', value: 'exflow-price' },
    ]);
    expect(finding?.relationships).toContainEqual({ objectId: `case:${caseIds[0]}`, qualifier: 'handled by' });
  });

  it('writes the same log as OCEL 2.0 SQLite', async () => {
    const json = (await (await download(`ocel.json?flow=${flowId}`)).json()) as OcelLog;
    const r = await download(`ocel.sqlite?flow=${flowId}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/vnd\.sqlite3/);
    const bytes = new Uint8Array(await r.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 15))).toBe('SQLite format 3');
    expect(normalise(await readOcelSqlite(bytes))).toEqual(normalise(json));
  });

  it('writes XES with one trace per case, its events in time order', async () => {
    const r = await download(`xes?flow=${flowId}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/xml/);
    const text = await r.text();
    expect(XMLValidator.validate(text)).toBe(true);
    const xes = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['trace', 'event', 'string', 'date', 'int'].includes(name) }).parse(text);
    const value = (node: { string?: { '@_key': string; '@_value': string }[] }, key: string) => node.string?.find((s) => s['@_key'] === key)?.['@_value'];
    const traces = xes.log.trace as { string: { '@_key': string; '@_value': string }[]; event: { string: []; date: { '@_value': string }[] }[] }[];
    expect(traces.map((t) => value(t, 'concept:name')).sort()).toEqual([...caseIds].sort());
    const first = traces.find((t) => value(t, 'concept:name') === caseIds[0]);
    const activities = first?.event.map((e) => value(e, 'concept:name')) ?? [];
    // triage's finding came with the invoice, before the case opened
    expect(activities.slice(0, 2)).toEqual(['finding raised', 'case opened']);
    expect(activities.at(-1)).toBe('case closed');
    expect(activities).toEqual(expect.arrayContaining(['task created: review', 'task claimed: review', 'task completed: review', 'finding raised']));
    const times = first?.event.map((e) => Date.parse(e.date[0]['@_value'])) ?? [];
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('keeps tenants apart, filters by period, and refuses a bad query or a reader who does not lead', async () => {
    const acme = (await (await download('ocel.json', 'admin@acme.example')).json()) as OcelLog;
    expect([acme.objects, acme.events]).toEqual([[], []]);
    const before = (await (await download(`ocel.json?flow=${flowId}&from=2000-01-01&to=2001-01-01`)).json()) as OcelLog;
    expect(before.events).toEqual([]);
    const bad = await download('xes?from=yesterday');
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors[0].path).toBe('from');
    expect((await download('ocel.sqlite', 'analyst@demo.exflow')).status).toBe(403);
  });
});
