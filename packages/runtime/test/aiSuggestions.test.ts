import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProblemError } from '../src/errors.js';
import { createCaseAssistant } from '../src/services/caseAssistant.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { aiFlow, approvalStep, paymentRelease, varianceDecision } from './support/aiFlows.js';
import { invoiceOf } from './support/approvalFlow.js';
import { fakeSuggestionModel } from './support/fakeSuggestionModel.js';
import { httpClient, TEST_TIMEOUT_MS } from './support/http.js';

type Client = ReturnType<typeof httpClient>;

/** An OpenAI-compatible chat endpoint on loopback that answers every request the same and keeps what it was sent. */
async function fakeLanguageModel() {
  const received: { authorization?: string; body: { model: string; messages: { role: string; content: string }[] } }[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      received.push({ authorization: req.headers.authorization, body: JSON.parse(text) });
      if (req.url !== '/v1/chat/completions') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'The chair price is above the PO; a credit note is requested.' } }] }));
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => new Promise((done) => server.close(done)) };
}

describe.each(testDatabaseKinds())('the AI suggestion step and its gates, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  let admin: Client;
  let analyst: Client;
  let llm: Awaited<ReturnType<typeof fakeLanguageModel>>;
  const model = fakeSuggestionModel();

  const intake = async (key: string, number: string, gross: number) => {
    const posted = await admin('POST', `/api/v1/invoices?definition=${key}`, invoiceOf(number, gross));
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    return posted.body.case as { id: string; status: string; activeNodes: string[] };
  };
  const suggestionRows = (caseId: string) => server.db('ai_suggestions').where({ tenant_id: 'demo', case_id: caseId });
  const openTask = async (caseId: string) => {
    const tasks = (await analyst('GET', `/api/v1/tasks?caseId=${caseId}`)).body as { id: string; nodeId: string }[];
    return tasks[0];
  };

  beforeAll(async () => {
    llm = await fakeLanguageModel();
    server = await startTestServer({
      database,
      suggestionProvider: model.provider,
      egressAllow: ['127.0.0.1'],
      llm: { url: llm.url, model: 'fake-chat', apiKey: 'sk-test' },
    });
    admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
    const own = (await admin('GET', '/api/v1/policies')).body.own as Record<string, unknown>;
    const saved = await admin('PUT', '/api/v1/policies', {
      policies: { ...own, aiAutoResolve: true, aiAutoResolveLimit: 1000, aiDriftWindow: 3, aiDriftMinAgreement: 0.7 },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    for (const definition of [
      aiFlow('ai-variance', { ...varianceDecision, form: { type: 'object', properties: { note: { type: 'string' } } } }),
      aiFlow('ai-approval', approvalStep),
      aiFlow('ai-payment', paymentRelease),
      aiFlow('ai-prefill-only', varianceDecision, { autoResolve: false }),
    ]) {
      const created = await admin('POST', '/api/v1/definitions', definition);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const published = await admin('POST', `/api/v1/definitions/${created.body.id}/publish`);
      expect(published.status, JSON.stringify(published.body)).toBe(201);
    }
  });
  afterAll(async () => {
    await server?.stop();
    await llm?.close();
  });

  it('auto-resolves a non-payment decision under the limit where node and policy allow it: no task, the system decided, audited with the reason', async () => {
    model.answer('review', { outcome: 'requestCreditNote', probability: 0.97 });
    const opened = await intake('ai-variance', 'AI-AUTO-1', 600);
    expect(opened.status).toBe('resolved');
    const view = (await admin('GET', `/api/v1/cases/${opened.id}`)).body;
    expect(view.context.tasks.review).toMatchObject({ outcome: 'requestCreditNote', by: 'system' });
    expect(await server.db('tasks').where({ tenant_id: 'demo', case_id: opened.id })).toEqual([]);
    const [row] = await suggestionRows(opened.id);
    expect(row).toMatchObject({ mode: 'auto', suggested_outcome: 'requestCreditNote', decided_by: 'system', model_id: 'fake-model-1', human_outcome: null });
    const audit = await server.db('audit').where({ tenant_id: 'demo', case_id: opened.id, action: 'ai.auto-resolved' });
    expect(audit).toHaveLength(1);
    expect(JSON.parse(typeof audit[0].data === 'string' ? audit[0].data : JSON.stringify(audit[0].data)).reason).toMatch(/Price 1\.8 % above the PO/);
  });

  it('never auto-completes at 0.999: an approval, a payment release, an amount over the limit, a flow that does not allow it', async () => {
    const cases = [
      { key: 'ai-approval', answer: { outcome: 'reject', probability: 0.999 }, gross: 100, reason: 'an approval step is never automatic' },
      { key: 'ai-approval', answer: { outcome: 'approve', probability: 0.999 }, gross: 100, reason: 'an approving outcome is never automatic' },
      { key: 'ai-payment', answer: { outcome: 'hold', probability: 0.999 }, gross: 100, reason: 'a payment release step is never automatic' },
      { key: 'ai-payment', answer: { outcome: 'release', probability: 0.999 }, gross: 100, reason: 'a payment release step is never automatic' },
      { key: 'ai-variance', answer: { outcome: 'acceptVariance', probability: 0.999 }, gross: 1000, reason: 'the amount 1000 is not under the limit 1000' },
      { key: 'ai-variance', answer: { outcome: 'acceptVariance', probability: 0.999 }, gross: 48_000, reason: 'the amount 48000 is not under the limit 1000' },
      { key: 'ai-prefill-only', answer: { outcome: 'acceptVariance', probability: 0.999 }, gross: 100, reason: 'the flow does not allow automatic completion' },
    ];
    for (const [i, c] of cases.entries()) {
      model.answer('review', c.answer);
      const opened = await intake(c.key, `AI-NEVER-${i}`, c.gross);
      expect(opened, c.key).toMatchObject({ status: 'open', activeNodes: ['review'] });
      const [row] = await suggestionRows(opened.id);
      expect(row, c.reason).toMatchObject({ mode: 'prefill', suggested_outcome: c.answer.outcome, decided_at: null });
      expect(row.reasons).toContain(c.reason);
      expect(await openTask(opened.id)).toMatchObject({ nodeId: 'review' });
      expect(await server.db('audit').where({ tenant_id: 'demo', case_id: opened.id, action: 'ai.auto-resolved' })).toEqual([]);
    }
  });

  it('below the threshold the suggestion is advice; the analyst overrides it and the decision is stored beside it', async () => {
    model.answer('review', { outcome: 'acceptVariance', probability: 0.62 });
    const opened = await intake('ai-variance', 'AI-ADVICE-1', 300);
    const task = await openTask(opened.id);
    const shown = (await analyst('GET', `/api/v1/tasks/${task.id}/suggestion`)).body.suggestion;
    expect(shown).toMatchObject({ mode: 'advice', outcome: 'acceptVariance', probability: 0.62, threshold: 0.9, humanOutcome: null });
    expect(shown.factors.map((f: { text: string }) => f.text)[0]).toBe('Price 1.8 % above the PO (tolerance 2 %)');
    expect((await analyst('POST', `/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
    const done = await analyst('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'reject', data: {} });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const decided = (await analyst('GET', `/api/v1/tasks/${task.id}/suggestion`)).body.suggestion;
    expect(decided).toMatchObject({ taskId: task.id, humanOutcome: 'reject', humanUser: 'u-analyst', decidedBy: 'u-analyst', agreed: false });
    expect(decided.decidedAt).toBeTruthy();
    const audit = await server.db('audit').where({ tenant_id: 'demo', case_id: opened.id, action: 'ai.suggestion-overridden' });
    expect(audit).toHaveLength(1);
  });

  it('with no model for the step the case goes on to the task with no suggestion', async () => {
    model.answer('review', null);
    const opened = await intake('ai-variance', 'AI-NONE-1', 300);
    expect(opened.activeNodes).toEqual(['review']);
    const task = await openTask(opened.id);
    expect((await analyst('GET', `/api/v1/tasks/${task.id}/suggestion`)).body).toEqual({ suggestion: null });
    expect(await suggestionRows(opened.id)).toEqual([]);
  });

  it('agreement per kind over a period, and a drift alert once agreement over the window falls below the threshold', async () => {
    expect((await admin('GET', '/api/v1/ai/alerts')).body).toEqual([]);
    model.answer('review', { outcome: 'acceptVariance', probability: 0.95 });
    for (const i of [1, 2]) {
      const task = await openTask((await intake('ai-prefill-only', `AI-DRIFT-${i}`, 200)).id);
      expect((await analyst('GET', `/api/v1/tasks/${task.id}/suggestion`)).body.suggestion.mode).toBe('prefill');
      await analyst('POST', `/api/v1/tasks/${task.id}/claim`);
      expect((await analyst('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'requestCreditNote' })).status).toBe(200);
    }
    // with the override of the advice test above: 0 of the last 3 agreed, below 70 %
    const alerts = (await admin('GET', '/api/v1/ai/alerts')).body;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'agreement-drift', agreementRate: 0, threshold: 0.7, windowSize: 3, status: 'open' });
    expect((await analyst('GET', '/api/v1/ai/alerts')).status).toBe(403);

    const rows = (await admin('GET', `/api/v1/ai/agreement?from=${new Date(Date.now() - 3_600_000).toISOString()}`)).body as {
      decided: number;
      agreed: number;
      auto: number;
      agreementRate: number | null;
    }[];
    const total = rows.reduce((sum, r) => ({ decided: sum.decided + r.decided, agreed: sum.agreed + r.agreed, auto: sum.auto + r.auto }), {
      decided: 0,
      agreed: 0,
      auto: 0,
    });
    expect(total).toEqual({ decided: 3, agreed: 0, auto: 1 });
    expect((await admin('GET', `/api/v1/ai/agreement?from=${new Date(Date.now() + 3_600_000).toISOString()}`)).body).toEqual([]);
    expect((await admin('GET', '/api/v1/ai/agreement?from=yesterday')).status).toBe(422);

    const acknowledged = await admin('POST', `/api/v1/ai/alerts/${alerts[0].id}/acknowledge`);
    expect(acknowledged.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'u-admin' });
    expect((await admin('GET', '/api/v1/ai/alerts')).body).toEqual([]);
  });

  it('the language model summarises a case and drafts a supplier e-mail with personal data masked; prompt and answer are audited', async () => {
    model.answer('review', null);
    const opened = await intake('ai-variance', 'AI-LLM-1', 300);
    const summary = await analyst('POST', `/api/v1/cases/${opened.id}/summary`);
    expect(summary.status, JSON.stringify(summary.body)).toBe(200);
    expect(summary.body).toMatchObject({ kind: 'summary', model: 'fake-chat', text: 'The chair price is above the PO; a credit note is requested.' });
    expect(summary.body.maskedFields).toContain('invoice.supplier.name');
    const sent = llm.received.at(-1)!;
    expect(sent.authorization).toBe('Bearer sk-test');
    expect(sent.body.model).toBe('fake-chat');
    expect(JSON.stringify(sent.body.messages)).not.toContain('Approval Test Supplier');
    expect(JSON.stringify(sent.body.messages)).toContain('AI-LLM-1');
    const draft = await analyst('POST', `/api/v1/cases/${opened.id}/supplier-email-draft`);
    expect(draft.body.kind).toBe('supplier-email-draft');
    const audit = await server.db('audit').where({ tenant_id: 'demo', case_id: opened.id }).whereIn('action', ['llm.summary', 'llm.supplier-email-draft']);
    expect(audit.map((a) => a.action).sort()).toEqual(['llm.summary', 'llm.supplier-email-draft']);
    const logged = typeof audit[0].data === 'string' ? JSON.parse(audit[0].data) : audit[0].data;
    expect(logged.answer).toMatch(/credit note/);
    expect(JSON.stringify(logged.prompt)).not.toContain('Approval Test Supplier');
    expect((await analyst('POST', '/api/v1/cases/no-such-case/summary')).status).toBe(404);
  });
});

describe('the language model is off by default', () => {
  it('refuses with 503 llm-disabled naming the setting, before reading anything', async () => {
    const unused = new Proxy({}, { get: () => expect.fail('the database was touched') }) as never;
    const refused = await createCaseAssistant({ db: unused, config: { egressAllow: [] } })
      .write('demo', 'any-case', 'summary', 'u-analyst')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProblemError);
    expect(refused).toMatchObject({ code: 'llm-disabled', status: 503 });
    expect((refused as Error).message).toMatch(/EXFLOW_LLM_URL/);
  });
});
