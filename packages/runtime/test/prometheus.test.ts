import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { invoiceWithChairPrice, priceVarianceFlow } from './support/fixtures.js';
import { eventually, httpClient } from './support/http.js';

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\["\\\\n])*"`;
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(?:${LABEL})(?:,${LABEL})*,?\\})? (-?(?:[0-9.]+(?:e[+-]?[0-9]+)?|NaN|\\+Inf|-Inf))(?: -?[0-9]+)?$`);
const HELP = new RegExp(`^# HELP (${NAME}) .*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);

/** A strict reading of the Prometheus text exposition format 0.0.4: every line is HELP, TYPE or a sample of a declared family. */
function parseExposition(text: string): Map<string, number> {
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    const type = TYPE.exec(line);
    if (type) {
      expect(types.has(type[1]), `TYPE of ${type[1]} twice`).toBe(false);
      types.set(type[1], type[2]);
      continue;
    }
    if (HELP.test(line) || line === '') continue; // blank lines are allowed between families
    const sample = SAMPLE.exec(line);
    expect(sample, `not a sample line: ${line}`).not.toBeNull();
    const family = sample![1].replace(/_(bucket|sum|count|total|created)$/, '');
    expect(
      types.has(sample![1]) || types.has(family) || types.has(`${family}_total`) || [...types.keys()].some((t) => sample![1].startsWith(t)),
      `sample ${sample![1]} of no declared family`,
    ).toBe(true);
    const key = line.slice(0, line.lastIndexOf(' '));
    samples.set(key, Number(sample![2]));
  }
  return samples;
}

const sum = (samples: Map<string, number>, prefix: string) => [...samples].filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);

describe.each(testDatabaseKinds())('Prometheus /metrics on %s', (database) => {
  let server: TestServer;
  const scrape = async (token = 'scrape-secret') => {
    const r = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
  };

  beforeAll(async () => {
    server = await startTestServer({ database, metricsToken: 'scrape-secret' });
  });
  afterAll(() => server?.stop());

  it('answers the exposition format, only with the token, and is not the web app', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await scrape('wrong')).status).toBe(401);
    const r = await scrape();
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parseExposition(r.text);
    for (const name of [
      'exflow_effects{status="pending"}',
      'exflow_effect_oldest_pending_seconds',
      'exflow_effect_retries',
      'exflow_timer_lag_seconds',
      'exflow_socket_clients',
    ]) {
      expect(samples.has(name), name).toBe(true);
    }
  });

  it('moves the transition counter when a case transitions, and counts intake and requests by declared route', async () => {
    const owner = httpClient(server.url, await server.login('owner@demo.exflow'));
    const created = await owner('POST', '/api/v1/definitions', priceVarianceFlow('prom-pv'));
    expect((await owner('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
    const before = parseExposition((await scrape()).text);
    const posted = await owner('POST', '/api/v1/invoices?definition=prom-pv', invoiceWithChairPrice('PROM-1', '140.00'));
    expect(posted.status).toBe(201);
    await eventually(async () => (await owner('GET', `/api/v1/tasks?caseId=${posted.body.case.id}`)).body.length > 0, 10_000, 'review task');
    const after = parseExposition((await scrape()).text);
    const started = 'exflow_case_transitions_total{event="case.started",status="open"}';
    expect(after.get(started)! - (before.get(started) ?? 0)).toBe(1);
    expect(sum(after, 'exflow_case_transitions_total') - sum(before, 'exflow_case_transitions_total')).toBeGreaterThanOrEqual(2); // started, then service.done
    // the match is a local check: it runs inside the case's start, so startCase is what was timed
    expect(sum(after, 'exflow_case_transition_seconds_count{operation="startCase"}')).toBeGreaterThan(
      sum(before, 'exflow_case_transition_seconds_count{operation="startCase"}'),
    );
    expect(after.get('exflow_service_calls_total{service="threeWayMatch",result="ok"}')).toBeGreaterThanOrEqual(1);
    expect(
      after.get('exflow_intake_requests_total{channel="api",outcome="accepted"}')! -
        (before.get('exflow_intake_requests_total{channel="api",outcome="accepted"}') ?? 0),
    ).toBe(1);
    expect(after.get(`exflow_http_requests_total{method="GET",route="/api/v1/tasks",status="200"}`)).toBeGreaterThanOrEqual(1);
    expect([...after.keys()].some((k) => k.includes(posted.body.case.id))).toBe(false); // routes, not raw URLs
  });

  it('counts failed effects and their retries (read through their own partial index, migration 028)', async () => {
    const owner = httpClient(server.url, await server.login('owner@demo.exflow'));
    const created = await owner('POST', '/api/v1/definitions', priceVarianceFlow('prom-failed'));
    expect((await owner('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
    const posted = await owner('POST', '/api/v1/invoices?definition=prom-failed', invoiceWithChairPrice('PROM-F1', '140.00'));
    expect(posted.status).toBe(201);
    const { tenant_id } = await server.db('cases').where({ id: posted.body.case.id }).first('tenant_id');
    const before = parseExposition((await scrape()).text);
    // two effects that gave up after three attempts each (workers leave failed effects alone)
    await server.db('effects').insert(
      [1, 2].map((n) => ({
        tenant_id,
        id: `prom-failed-${n}`,
        case_id: posted.body.case.id,
        case_version: 1,
        node_id: 'review',
        kind: 'service',
        service: 'erpPost',
        status: 'failed',
        attempts: 3,
        last_error: 'ERP down',
      })),
    );
    const after = parseExposition((await scrape()).text);
    const failed = 'exflow_effects{status="failed"}';
    expect(after.get(failed)! - (before.get(failed) ?? 0)).toBe(2);
    expect(after.get('exflow_effect_retries')! - before.get('exflow_effect_retries')!).toBe(4);
  });
});
