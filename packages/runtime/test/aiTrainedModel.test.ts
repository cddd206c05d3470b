import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainTenant } from '../src/ai/training.js';
import { createRetrainingWorker } from '../src/ai/retraining.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { aiFlow, supplierInvoice as invoice, teamDecision, varianceDecision } from './support/aiFlows.js';
import { eventually, httpClient, TEST_TIMEOUT_MS } from './support/http.js';

type Client = ReturnType<typeof httpClient>;

const FLOW = 'ai-trained';
const DECIDED = 30;

// the real engine, store, task module and model provider throughout: no fake model
describe.each(testDatabaseKinds())('the AI step with a model trained on decided cases, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  let admin: Client;
  let analyst: Client;

  const intake = async (number: string, gross: number, day: number) => {
    const posted = await admin('POST', `/api/v1/invoices?definition=${FLOW}`, invoice(number, gross, day));
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    return posted.body.case.id as string;
  };
  const taskOf = (caseId: string) =>
    eventually(async () => ((await analyst('GET', `/api/v1/tasks?caseId=${caseId}`)).body as { id: string }[])[0], undefined, `the task of ${caseId}`);

  beforeAll(async () => {
    server = await startTestServer({ database, aiRetrainPollMs: 3_600_000 });
    admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
    const created = await admin('POST', '/api/v1/definitions', aiFlow(FLOW, varianceDecision, { autoResolve: false, defaultThreshold: 0.6 }));
    expect((await admin('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
    // an analyst decides DECIDED cases through the task module (no model yet: the AI step passes them on)
    for (let i = 0; i < DECIDED; i++) {
      const gross = i % 2 ? 600 + i * 17 : 2600 + i * 23;
      const task = await taskOf(await intake(`TM-${i}`, gross, i * 7));
      expect((await analyst('POST', `/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
      expect((await analyst('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: teamDecision(gross), data: {} })).status).toBe(200);
    }
  });
  afterAll(() => server?.stop());

  it('trains from the decided cases and suggests, calibrated and with reasons, on a new case of the flow', async () => {
    const trained = await admin('POST', '/api/v1/ai/models/train');
    expect(trained.status).toBe(201);
    const recommender = trained.body.recommender;
    expect(recommender).toMatchObject({ kind: 'recommender', n: DECIDED });
    expect(recommender.calibration[`${FLOW}/review`]).toMatchObject({ method: expect.stringMatching(/platt|isotonic/) });
    const distribution = await server.db('ai_models').where({ tenant_id: 'demo', id: recommender.id }).first('feature_distribution');
    expect(distribution.feature_distribution.n).toBe(DECIDED);

    for (const [gross, expected] of [
      [640, 'acceptVariance'],
      [2900, 'requestCreditNote'],
    ] as const) {
      const caseId = await intake(`TM-NEW-${gross}`, gross, DECIDED * 7 + 3);
      const task = await taskOf(caseId);
      const { suggestion } = (await analyst('GET', `/api/v1/tasks/${task.id}/suggestion`)).body;
      expect(suggestion).toMatchObject({ modelId: recommender.id, outcome: expected, stepId: 'review' });
      expect(suggestion.mode).toBe(suggestion.probability >= 0.6 ? 'prefill' : 'advice');
      expect(suggestion.probability).toBeGreaterThan(0.5);
      expect(suggestion.probability).toBeLessThanOrEqual(1);
      expect(suggestion.alternatives.reduce((s: number, a: { probability: number }) => s + a.probability, 0)).toBeCloseTo(1, 9);
      expect(suggestion.factors.length).toBeGreaterThan(0);
      for (const f of suggestion.factors) expect(f.text).not.toBe(f.feature);
      // the anomaly score of the invoice against the supplier's 30 earlier ones, taken with it
      expect(suggestion.anomaly).toMatchObject({ modelId: trained.body.anomaly.id, threshold: 0.5 });
      expect(suggestion.anomaly.score).toBeGreaterThanOrEqual(0);
      // the case's log carries what the step answered
      const events = (await analyst('GET', `/api/v1/cases/${caseId}/events`)).body as { type: string; data?: { result?: { modelId?: string } } }[];
      expect(JSON.stringify(events)).toContain(recommender.id);
    }
  });

  it('the retraining job raises a feature-drift alert when recent invoices move away from what the model learned from', async () => {
    // twenty is too few for the default (100; sampling noise alone moves the PSI of a small sample), enough for a shift this large
    expect((await admin('PUT', '/api/v1/policies', { policies: { aiFeatureDriftWindow: 20, aiFeatureDriftMinInvoices: 20 } })).status).toBe(200);
    // the retraining job's own tick, run here and awaited (the server's poller is an hour apart):
    // what the job does is checked, not how soon a loaded machine gets round to it
    const worker = createRetrainingWorker({ db: server.db, everyMs: 86_400_000, leaseMs: 60_000, keep: 10 });
    const runJob = async () => {
      await server
        .db('ai_training_jobs')
        .where({ tenant_id: 'demo' })
        .update({ next_run_at: server.db.raw(`now() - interval '1 minute'`) });
      expect(await worker.tick()).toBe(1);
      const job = await server.db('ai_training_jobs').where({ tenant_id: 'demo' }).first();
      expect(job).toMatchObject({ locked_by: null, last_error: null });
    };
    // the job row exists once a tick has given the tenant one
    await worker.tick();
    expect(await server.db('ai_training_jobs').where({ tenant_id: 'demo' }).first()).toBeTruthy();
    // two new cases since the model: too few to compare, so the job raises nothing
    await runJob();
    expect((await admin('GET', '/api/v1/ai/alerts')).body).toEqual([]);

    // twenty invoices thirty times larger, from a bank account the supplier never used
    for (let i = 0; i < 20; i++) {
      const body = invoice(`TM-SHIFT-${i}`, 60_000 + i * 1_111, 400 + i * 7);
      body.supplier.bankAccount = 'GB29NWBK60161331926819';
      expect((await admin('POST', `/api/v1/invoices?definition=${FLOW}`, body)).status).toBe(201);
    }
    await runJob();
    const alerts = (await admin('GET', '/api/v1/ai/alerts')).body as {
      kind: string;
      features: { feature: string; psi: number; stability: string }[];
      windowSize: number;
      threshold: number;
      message: string;
      exceptionKind: null;
      agreementRate: null;
      id: string;
    }[];
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert).toMatchObject({ kind: 'feature-drift', exceptionKind: null, agreementRate: null, threshold: 0.25, windowSize: 20 });
    expect(alert!.features.map((f) => f.feature)).toEqual(expect.arrayContaining(['grossLog10', 'supplierBankChanges']));
    for (const f of alert!.features) expect(f).toMatchObject({ stability: 'significant', psi: expect.any(Number) });
    expect(alert!.message).toMatch(/^The last 20 invoices differ from what the model learned from: /);
    const audit = await server.db('audit').where({ tenant_id: 'demo', action: 'ai.feature-drift-alert' });
    expect(audit).toHaveLength(1);
    // acknowledged, it is gone from the open list
    expect((await admin('POST', `/api/v1/ai/alerts/${alert!.id}/acknowledge`)).status).toBe(200);
    expect((await admin('GET', '/api/v1/ai/alerts')).body).toEqual([]);
  });

  it('keeps the newest model rows per kind and deletes older versions', async () => {
    const before = (await admin('GET', '/api/v1/ai/models?limit=200')).body as { kind: string; version: number }[];
    const newest = Math.max(...before.filter((m) => m.kind === 'recommender').map((m) => m.version));
    for (let i = 0; i < 3; i++) await trainTenant(server.db, 'demo', { keep: 2 });
    const after = (await admin('GET', '/api/v1/ai/models?limit=200')).body as { kind: string; version: number }[];
    expect(after.filter((m) => m.kind === 'recommender').map((m) => m.version)).toEqual([newest + 3, newest + 2]);
    expect(after.filter((m) => m.kind === 'anomaly')).toHaveLength(2);
  });
});
