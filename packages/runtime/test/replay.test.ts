import { replayAnswerSchema, type ReplayCaseResult, type ReplayPathCount, type WorkflowDefinition } from '@exflow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { invoiceOf } from './support/approvalFlow.js';
import { eventually, httpClient, PATIENCE_MS, TEST_TIMEOUT_MS } from './support/http.js';
import { quiescent, tableCounts } from './support/tableCounts.js';
import { expectWire } from './support/wire.js';

/** gross above `threshold` needs an approver; below it is paid straight away. */
function gated(threshold: number): WorkflowDefinition {
  return {
    schemaVersion: 1,
    key: 'replay-gate',
    name: 'Replay gate',
    nodes: [
      { id: 'start', kind: 'start' },
      { id: 'gate', kind: 'decision', config: { branches: [{ id: 'big', label: 'big', condition: `invoice.grossTotal > ${threshold}` }] } },
      {
        id: 'approval',
        kind: 'humanTask',
        config: {
          title: 'Approve',
          queue: 'approvals',
          candidateRoles: ['approver'],
          outcomes: [
            { id: 'approve', label: 'Approve' },
            { id: 'reject', label: 'Reject' },
          ],
          approval: {},
        },
      },
      { id: 'paid', kind: 'end', config: { outcome: 'resolved' } },
      { id: 'refused', kind: 'end', config: { outcome: 'rejected' } },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'gate' },
      { id: 'e2', source: 'gate', target: 'approval', sourcePort: 'big' },
      { id: 'e3', source: 'gate', target: 'paid', sourcePort: 'default' },
      { id: 'e4', source: 'approval', target: 'paid', sourcePort: 'approve' },
      { id: 'e5', source: 'approval', target: 'refused', sourcePort: 'reject' },
    ],
  };
}

/**
 * How many closed cases the test builds through the real engine: 60 in the suite (about 20 s on
 * PGlite on a loaded machine); `EXFLOW_REPLAY_CASES=500` runs the 500 (minutes per database).
 */
const CASES = Number(process.env.EXFLOW_REPLAY_CASES ?? 60);
/** 100 … about 2,050, spread over the cases: some below 500, some between each pair of thresholds below. */
const grossOf = (i: number) => Math.round(100 + (i * 1950) / CASES);
/** The approver approves up to 1,200 and rejects above. */
const decides = (gross: number) => (gross > 1200 ? 'reject' : 'approve');

describe.each(testDatabaseKinds())('what-if replay over HTTP, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  let owner: ReturnType<typeof httpClient>;
  let approver: ReturnType<typeof httpClient>;
  let definitionId: string;
  const caseOf = new Map<number, string>();
  const from = new Date(Date.now() - 60_000).toISOString();

  beforeAll(async () => {
    server = await startTestServer({ database, seedDemo: true });
    owner = httpClient(server.url, await server.login('owner@demo.exflow'));
    approver = httpClient(server.url, await server.login('approver@demo.exflow'));
    const created = await owner('POST', '/api/v1/definitions', gated(500));
    definitionId = created.body.id;
    expect((await owner('POST', `/api/v1/definitions/${definitionId}/publish`)).status).toBe(201);
    for (let i = 0; i < CASES; i++) {
      const posted = await owner('POST', '/api/v1/invoices?definition=replay-gate', invoiceOf(`RPL-${i}`, grossOf(i)));
      expect(posted.status).toBe(201);
      caseOf.set(i, posted.body.case.id);
      if (grossOf(i) <= 500) continue;
      const task = await eventually(
        async () => (await approver('GET', `/api/v1/tasks?caseId=${posted.body.case.id}`)).body[0],
        PATIENCE_MS,
        'the approval task',
      );
      expect((await approver('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: decides(grossOf(i)) })).status).toBe(200);
    }
    await eventually(
      async () => {
        const statuses = await Promise.all([...caseOf.values()].map(async (id) => (await owner('GET', `/api/v1/cases/${id}`)).body.status));
        return statuses.every((s) => s !== 'open');
      },
      PATIENCE_MS,
      'every case to close',
    );
    await quiescent(server.db);
  });
  afterAll(() => server?.stop());

  const indexes = (keep: (gross: number) => boolean) =>
    [...caseOf.entries()]
      .filter(([i]) => keep(grossOf(i)))
      .map(([, id]) => id)
      .sort();
  const replay = (body: Record<string, unknown>) =>
    owner('POST', `/api/v1/definitions/${definitionId}/replay`, { from, to: new Date(Date.now() + 60_000).toISOString(), ...body });

  it('raising the threshold in a draft changes the path of exactly the cases between old and new, and writes nothing', async () => {
    expect((await owner('PUT', `/api/v1/definitions/${definitionId}/draft`, gated(1000))).status).toBe(200);
    const before = await tableCounts(server.db);
    const r = await replay({});
    expect(r.status).toBe(200);
    expectWire(replayAnswerSchema, r.body, 'the replay');
    expect(await tableCounts(server.db)).toEqual(before);

    const between = indexes((g) => g > 500 && g <= 1000);
    expect(r.body).toMatchObject({ version: 'draft', total: CASES, pathDiffers: between.length, queuesDiffer: between.length, outcomeDiffers: 0, stopped: 0 });
    expect(
      r.body.cases
        .filter((c: { pathDiffers: boolean }) => c.pathDiffers)
        .map((c: { caseId: string }) => c.caseId)
        .sort(),
    ).toEqual(between);
    expect(r.body.counts.original.nodes.approval).toBe(indexes((g) => g > 500).length);
    expect(r.body.counts.replayed.nodes.approval).toBe(indexes((g) => g > 1000).length);
    expect(r.body.counts.replayed.edges.e3).toBe(indexes((g) => g <= 1000).length);
    const one = r.body.cases.find((c: { caseId: string }) => c.caseId === between[0]);
    expect(one.original).toMatchObject({ path: ['start', 'gate', 'approval', 'paid'], queues: ['approvals'], outcome: 'resolved' });
    expect(one.replayed).toMatchObject({ path: ['start', 'gate', 'paid'], queues: [], outcome: 'resolved' });
  });

  it('reports the outcomes a draft would change, and the cases it cannot answer', async () => {
    expect((await owner('PUT', `/api/v1/definitions/${definitionId}/draft`, gated(1500))).status).toBe(200);
    const raised = await replay({});
    // recorded rejections the draft no longer asks for: paid instead
    expect(
      raised.body.cases
        .filter((c: { outcomeDiffers: boolean }) => c.outcomeDiffers)
        .map((c: { caseId: string }) => c.caseId)
        .sort(),
    ).toEqual(indexes((g) => g > 1200 && g <= 1500));

    expect((await owner('PUT', `/api/v1/definitions/${definitionId}/draft`, gated(300))).status).toBe(200);
    const lowered = await replay({ limit: 1000 });
    const unanswered = indexes((g) => g > 300 && g <= 500);
    expect(lowered.body.stopped).toBe(unanswered.length);
    expectWire(replayAnswerSchema, lowered.body, 'a replay with stopped runs');
    expect(
      lowered.body.cases
        .filter((c: { replayed: { stopped?: string } }) => c.replayed.stopped)
        .map((c: { caseId: string }) => c.caseId)
        .sort(),
    ).toEqual(unanswered);
    expect(lowered.body.cases.find((c: { caseId: string }) => c.caseId === unanswered[0]).replayed).toMatchObject({
      outcome: null,
      stopped: 'no recorded answer for step approval',
    });

    // the published version against itself: nothing differs
    expect((await replay({ version: 1 })).body).toMatchObject({ version: 1, total: CASES, pathDiffers: 0, outcomeDiffers: 0, queuesDiffer: 0 });
  });

  it("compares times: the draft's SLA due per task, late tasks, durations per case and per path, from the recorded times", async () => {
    // the draft: same path, but the approval gets an SLA of one millisecond (no escalation), so every approval is late
    const draft = gated(500);
    const approval = draft.nodes.find((n) => n.id === 'approval')!;
    approval.config = { ...approval.config, dueIn: 'PT0.001S' };
    expect((await owner('PUT', `/api/v1/definitions/${definitionId}/draft`, draft)).status).toBe(200);
    const r = await replay({});
    const approved = indexes((g) => g > 500);
    expect(r.body).toMatchObject({ total: CASES, pathDiffers: 0, timesDiffer: approved.length, late: { original: 0, replayed: approved.length } });
    // by hand, from each case's recorded events: opened when it started, closed when the approver answered
    for (const c of r.body.cases as ReplayCaseResult[]) {
      const events = (await owner('GET', `/api/v1/cases/${c.caseId}/events`)).body as { type: string; createdAt: string }[];
      const started = Date.parse(events[0]!.createdAt);
      const answered = events.find((e) => e.type === 'task.completed');
      const ended = answered ? Date.parse(answered.createdAt) : started;
      expect([c.original.durationMs, c.replayed.durationMs]).toEqual([ended - started, ended - started]);
      if (!answered) continue;
      expect(c.original.tasks).toEqual([
        { nodeId: 'approval', queue: 'approvals', openedAt: new Date(started).toISOString(), dueAt: null, closedAt: answered.createdAt, late: false },
      ]);
      expect(c.replayed.tasks[0]).toMatchObject({ dueAt: new Date(started + 1).toISOString(), closedAt: answered.createdAt, late: ended > started + 1 });
    }
    const withApproval = ['start', 'gate', 'approval'];
    expect(r.body.paths.replayed.map((p: ReplayPathCount) => [p.path.join('>'), p.cases]).sort()).toEqual(
      [
        ['start>gate>paid', indexes((g) => g <= 500).length],
        [[...withApproval, 'paid'].join('>'), indexes((g) => g > 500 && g <= 1200).length],
        [[...withApproval, 'refused'].join('>'), indexes((g) => g > 1200).length],
      ].sort(),
    );
    expect(r.body.paths.replayed.find((p: ReplayPathCount) => p.path.join('>') === 'start>gate>paid').medianMs).toBe(0);
  });

  it('refuses a period that ends before it starts, naming the field, and an unknown version', async () => {
    const bad = await owner('POST', `/api/v1/definitions/${definitionId}/replay`, { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' });
    expect([bad.status, bad.body.code, bad.body.errors?.[0]?.path]).toEqual([422, 'replay-period', '/to']);
    expect((await owner('POST', `/api/v1/definitions/${definitionId}/replay`, { from, to: from, limit: 5000 })).status).toBe(422);
    expect((await replay({ version: 9 })).status).toBe(404);
  });
});
