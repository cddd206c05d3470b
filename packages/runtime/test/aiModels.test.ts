import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus, type CorpusDecision } from '../bench/aiCorpus.js';
import { trainTenant } from '../src/ai/training.js';
import type { Role } from '../src/auth/roles.js';
import { loadPack, installPack } from '../src/packs/templatePack.js';
import { openDatabase } from '../src/store/db.js';
import { createTenantRepository } from '../src/store/tenantRepository.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { eventually, httpClient } from './support/http.js';

const pack = () => loadPack(fileURLToPath(new URL('../../../templates/ap-exceptions', import.meta.url)));
const principal = (tenantId: string, userId: string, roles: Role[]) => ({ userId, tenantId, email: `${userId}@${tenantId}.example`, name: userId, roles });

describe.each(testDatabaseKinds())('AI models (%s)', (database) => {
  let server: TestServer;
  let decisions: CorpusDecision[];

  // a client tenant of an MSP (acme, client of msp-north) decides its cases; demo decides none
  beforeAll(async () => {
    server = await startTestServer({ database });
    await installPack(server.db, 'acme', await pack(), { publish: true, referenceData: false, actor: 'u-acme-admin' });
    ({ decisions } = await generateCorpus({
      db: server.db,
      engine: server.engine,
      tenantId: 'acme',
      sender: principal('acme', 'u-acme-admin', ['tenant_admin']),
      days: 40,
      suppliers: 16,
      anomalyRate: 0,
      seed: 5,
      prefix: 'T',
    }));
  });
  afterAll(() => server?.stop());

  it('trains a versioned model row per kind, listed with its calibration and reliability curve', async () => {
    const admin = httpClient(server.url, await server.login('admin@acme.example'));
    const trained = await admin('POST', '/api/v1/ai/models/train');
    expect(trained.status).toBe(201);
    expect(trained.body.anomaly).toMatchObject({ kind: 'anomaly', version: 1 });
    const listed = await admin('GET', '/api/v1/ai/models');
    expect(listed.status).toBe(200);
    expect(listed.body.map((m: { kind: string }) => m.kind).sort()).toEqual(trained.body.recommender ? ['anomaly', 'recommender'] : ['anomaly']);
    // analysts read models; only designers (admins, process owners) train them
    const analyst = httpClient(server.url, await server.login('analyst@acme.example'));
    expect((await analyst('POST', '/api/v1/ai/models/train')).status).toBe(403);
    expect((await analyst('GET', '/api/v1/ai/models')).status).toBe(200);
  });

  it('scores a case with calibrated probabilities that sum to 1, with factors in words', async () => {
    const result = await trainTenant(server.db, 'acme', { minStepExamples: 8 });
    expect(result.recommender).not.toBeNull();
    const row = result.recommender!;
    expect(row.reliability).toHaveLength(10);
    const steps = (row.metrics as { steps: Record<string, { ece: number; calibratedOn: number }> }).steps;
    // n: every decision of acme's trained steps, and nothing else
    expect(row.n).toBe(decisions.filter((d) => steps[`${d.flow}/${d.stepId}`]).length);
    expect(Object.keys(steps).length).toBeGreaterThan(0);
    const trainedStep = Object.keys(steps)[0]!;
    const decision = decisions.find((d) => `${d.flow}/${d.stepId}` === trainedStep)!;
    const suggestion = await server.suggestionProvider.suggest({
      tenantId: 'acme',
      caseId: decision.caseId,
      stepId: decision.stepId,
      outcomes: decision.outcomes,
    });
    expect(suggestion).not.toBeNull();
    const s = suggestion!;
    expect(s.modelId).toBe(row.id);
    expect(s.alternatives.map((a) => a.outcome).sort()).toEqual([...decision.outcomes].sort());
    expect(s.alternatives.reduce((sum, a) => sum + a.probability, 0)).toBeCloseTo(1, 9);
    expect(s.alternatives[0]).toEqual({ outcome: s.outcome, probability: s.probability });
    for (let i = 1; i < s.alternatives.length; i++) expect(s.alternatives[i]!.probability).toBeLessThanOrEqual(s.alternatives[i - 1]!.probability);
    expect(s.factors.length).toBeGreaterThan(0);
    for (const f of s.factors) expect(f.text.length).toBeGreaterThan(5);
    // a step the model was not trained for gets no suggestion, not a guess
    expect(await server.suggestionProvider.suggest({ tenantId: 'acme', caseId: decision.caseId, stepId: 'noSuchStep', outcomes: ['a', 'b'] })).toBeNull();
  });

  it('flags an injected anomaly with the reason in words', async () => {
    await trainTenant(server.db, 'acme');
    const supplier = await server.db('suppliers').where({ tenant_id: 'acme', id: 'T-SUP-1' }).first();
    const po = await server.db('po_lines').where({ tenant_id: 'acme' }).andWhere('po_number', 'like', 'T-PO-%').first();
    const admin = httpClient(server.url, await server.login('admin@acme.example'));
    const invoice = (number: string, date: string, bankAccount: string, gross: number) => ({
      invoiceNumber: number,
      issueDate: date,
      currency: 'EUR',
      supplier: { id: 'T-SUP-1', name: supplier.name, bankAccount },
      netTotal: (gross / 1.25).toFixed(2),
      taxTotal: (gross - gross / 1.25).toFixed(2),
      grossTotal: gross.toFixed(2),
      lines: [
        {
          description: po.description,
          quantity: '1',
          unitPrice: (gross / 1.25).toFixed(2),
          netAmount: (gross / 1.25).toFixed(2),
          taxRate: '25',
          taxAmount: (gross - gross / 1.25).toFixed(2),
        },
      ],
    });
    // a Saturday, a round 50,000 and an account the supplier never used
    const odd = await admin('POST', '/api/v1/invoices', invoice('T-ODD-1', '2025-08-23', 'GB29NWBK60161331926819', 50_000));
    expect(odd.status).toBe(201);
    const scored = await admin('GET', `/api/v1/invoices/${odd.body.invoice.id}/anomaly`);
    expect(scored.status).toBe(200);
    expect(scored.body.flagged).toBe(true);
    expect(scored.body.score).toBeGreaterThan(scored.body.threshold);
    const bank = scored.body.factors.find((f: { feature: string }) => f.feature === 'newBankAccount');
    expect(bank.text).toMatch(/none of the supplier's \d+ earlier invoices/);
    expect(scored.body.factors.map((f: { feature: string }) => f.feature)).toEqual(expect.arrayContaining(['amountZ', 'roundAmount', 'weekend']));
    // an ordinary one of the same supplier is not flagged
    const usual = await server
      .db('invoices')
      .where({ tenant_id: 'acme', supplier_id: 'T-SUP-1' })
      .whereNot('id', odd.body.invoice.id)
      .orderBy('issue_date', 'desc')
      .first('id');
    const ordinary = await admin('GET', `/api/v1/invoices/${usual.id}/anomaly`);
    expect(ordinary.body).toMatchObject({ flagged: false });
    expect((await admin('GET', '/api/v1/invoices/no-such-invoice/anomaly')).status).toBe(404);
  });

  it("never trains a tenant's model on another tenant's cases; an MSP pools a client only with its consent", async () => {
    // demo decided nothing: its model has nothing to learn, however much acme decided
    const demo = await trainTenant(server.db, 'demo', { minStepExamples: 8 });
    expect(demo.recommender).toBeNull();
    const acme = await trainTenant(server.db, 'acme', { minStepExamples: 8 });
    expect(acme.recommender!.pooledFrom).toEqual([]);
    // the MSP without its client's consent: nothing; an MSP policy cannot consent for the client
    const tenants = createTenantRepository(server.db);
    const msp = (await tenants.get('msp-north'))!;
    await tenants.setPolicies('msp-north', { ...msp.policies, aiPoolWithMsp: true }, [...msp.overridable, 'aiPoolWithMsp']);
    expect((await trainTenant(server.db, 'msp-north', { minStepExamples: 8 })).recommender).toBeNull();
    await tenants.setPolicies('msp-north', msp.policies, msp.overridable);
    // with the client's own consent (its to give, though the MSP lets it override nothing of this), the MSP's model learns from it and says so
    const acmeAdmin = httpClient(server.url, await server.login('admin@acme.example'));
    const consent = await acmeAdmin('PUT', '/api/v1/policies', { policies: { aiPoolWithMsp: true } });
    expect(consent.status).toBe(200);
    expect(consent.body.own).toEqual({ aiPoolWithMsp: true });
    const pooled = await trainTenant(server.db, 'msp-north', { minStepExamples: 8 });
    expect(pooled.recommender).toMatchObject({ tenantId: 'msp-north', pooledFrom: ['acme'], n: acme.recommender!.n });
    // and the other MSP's client is never in it
    expect(pooled.recommender!.pooledFrom).not.toContain('globex');
    expect((await acmeAdmin('PUT', '/api/v1/policies', { policies: {} })).status).toBe(200);
    expect((await trainTenant(server.db, 'msp-north', { minStepExamples: 8 })).recommender).toBeNull();
  });
});

describe.each(testDatabaseKinds())('AI retraining job (%s)', (database) => {
  it('survives a restart: a job whose process died mid-training is re-claimed when its lease runs out', async () => {
    const dataDir = database === 'pglite' ? mkdtempSync(join(tmpdir(), 'exflow-ai-')) : undefined;
    const schema = database === 'postgres' ? `t_ai_${Date.now().toString(36)}` : undefined;
    const options = { database, dataDir, schema, seedDemo: true, aiRetrainPollMs: 50, aiRetrainLeaseMs: 60_000 };
    const first = await startTestServer(options);
    // the job rows exist (first due a cadence from now), then a process claims demo's and dies
    await eventually(async () => (await first.db('ai_training_jobs').where({ tenant_id: 'demo' }).first()) ?? false, undefined, 'job rows');
    await first
      .db('ai_training_jobs')
      .where({ tenant_id: 'demo' })
      .update({
        next_run_at: first.db.raw(`now() - interval '1 minute'`),
        locked_by: 'a-process-that-died',
        locked_until: first.db.raw(`now() + interval '1 second'`),
      });
    await first.stop();

    const second = await startTestServer(options);
    try {
      const job = await eventually(
        async () => {
          const row = await second.db('ai_training_jobs').where({ tenant_id: 'demo' }).first();
          return row.last_run_at ? row : false;
        },
        undefined,
        'the retraining job re-claimed and run',
      );
      expect(job.locked_by).toBeNull();
      expect(job.last_error).toBeNull();
      // the next run is a cadence (a day) later
      expect(new Date(job.next_run_at).getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    } finally {
      await second.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (schema) {
        const admin = openDatabase({ databaseUrl: process.env.DATABASE_URL });
        await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
        await admin.destroy();
      }
    }
  });
});
