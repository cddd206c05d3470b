import { describe, expect, it } from 'vitest';
import { compile, replayCases, runRecorded, type CompiledFlow, type ReplayCase, type WorkflowDefinition } from '../src/index.js';
import { decision, edges, end, flow, start, task } from './helpers.js';

/** start → gate (gross above `threshold` needs approval) → approval → paid / refused; below: auto → paid. */
function gated(threshold: number): { definition: WorkflowDefinition; flow: CompiledFlow } {
  const definition = flow(
    [
      start(),
      decision('gate', { big: `invoice.grossTotal > ${threshold}` }),
      task('approval', ['approve', 'reject'], { queue: 'approvals', candidateRoles: ['approver'], approval: {} }),
      end('paid'),
      end('refused', 'rejected'),
    ],
    edges('start>gate', 'gate.big>approval', 'gate.default>paid', 'approval.approve>paid', 'approval.reject>refused'),
  );
  const compiled = compile(definition);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  return { definition, flow: compiled.flow };
}

/** A closed case's record: approved below 1,200 gross, rejected above, when it reached the approval. */
function recorded(i: number, gross: number, reachedApproval: boolean): ReplayCase {
  const events = [{ type: 'case.started', payload: {} }];
  if (reachedApproval) events.push({ type: 'task.completed', payload: { nodeId: 'approval', outcome: gross > 1200 ? 'reject' : 'approve' } } as never);
  return { caseId: `c${i}`, input: { invoice: { grossTotal: gross } }, events };
}

describe('what-if replay', () => {
  const before = gated(500);
  const after = gated(1000);
  const grosses = Array.from({ length: 40 }, (_, i) => 100 + i * 40); // 100 … 1660
  const runs = grosses.map((g, i) => recorded(i, g, g > 500));

  it('runs a case through its own version as it went', () => {
    expect(runRecorded(before, runs[20])).toMatchObject({
      path: ['start', 'gate', 'approval', 'paid'],
      edges: ['start>gate', 'gate.big>approval', 'approval.approve>paid'],
      queues: ['approvals'],
      outcome: 'resolved',
    });
  });

  it('reports exactly the cases between the old and new threshold as taking another path', () => {
    const report = replayCases(() => before, after, runs);
    const between = grosses.flatMap((g, i) => (g > 500 && g <= 1000 ? [`c${i}`] : []));
    expect(report.total).toBe(40);
    expect(report.cases.filter((c) => c.pathDiffers).map((c) => c.caseId)).toEqual(between);
    expect(report.pathDiffers).toBe(between.length);
    expect(report.queuesDiffer).toBe(between.length);
    // all of them were approved (≤ 1,200), so the outcome stays resolved
    expect(report.outcomeDiffers).toBe(0);
    expect(report.counts.original.nodes.approval).toBe(grosses.filter((g) => g > 500).length);
    expect(report.counts.replayed.nodes.approval).toBe(grosses.filter((g) => g > 1000).length);
    expect(report.counts.replayed.edges['gate.default>paid']).toBe(grosses.filter((g) => g <= 1000).length);
  });

  it('changes outcomes where the draft skips a recorded rejection, and stops where no answer was recorded', () => {
    const report = replayCases(() => before, gated(1500), runs);
    const skippedRejections = grosses.flatMap((g, i) => (g > 1200 && g <= 1500 ? [`c${i}`] : []));
    expect(report.cases.filter((c) => c.outcomeDiffers).map((c) => c.caseId)).toEqual(skippedRejections);
    const lowered = replayCases(() => before, gated(300), runs);
    const unanswered = lowered.cases.filter((c) => c.replayed.stopped);
    expect(unanswered.map((c) => c.caseId)).toEqual(grosses.flatMap((g, i) => (g > 300 && g <= 500 ? [`c${i}`] : [])));
    expect(unanswered[0].replayed).toMatchObject({ outcome: null, stopped: 'no recorded answer for step approval' });
  });

  describe('times: 500 closed cases under an 8-hour SLA, replayed under a 4-hour one', () => {
    /** start → approval (SLA `dueIn`, escalated on timeout) → paid; the escalation → paid. */
    const sla = (dueIn: string) => {
      const definition = flow(
        [start(), task('approval', ['approve'], { queue: 'approvals', dueIn }), task('escalation', ['approve'], { queue: 'leads' }), end('paid')],
        edges('start>approval', 'approval.approve>paid', 'approval.timeout>escalation', 'escalation.approve>paid'),
      );
      const compiled = compile(definition);
      if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
      return { definition, flow: compiled.flow };
    };
    const HOUR = 3600_000;
    const t0 = Date.parse('2026-11-02T08:00:00.000Z');
    /** Case i was started at t0 + i minutes and answered after `hours(i)` = 1 … 12 hours. */
    const hours = (i: number) => 1 + (i % 12);
    const startOf = (i: number) => t0 + i * 60_000;
    const at = (ms: number) => new Date(ms).toISOString();
    /** What happened under the 8-hour SLA: answered in time at the approval, or escalated at 8 h and answered by a lead. */
    const history = (i: number): ReplayCase => {
      const s = startOf(i);
      const answered = s + hours(i) * HOUR;
      const events =
        hours(i) <= 8
          ? [{ type: 'task.completed', payload: { nodeId: 'approval', outcome: 'approve' }, at: at(answered) }]
          : [
              { type: 'timer.fired', payload: { nodeId: 'approval', timerId: 'approval:sla' }, at: at(s + 8 * HOUR + 150) },
              { type: 'task.completed', payload: { nodeId: 'escalation', outcome: 'approve' }, at: at(answered) },
            ];
      return { caseId: `t${i}`, input: { invoice: { grossTotal: 100 } }, events: [{ type: 'case.started', payload: {}, at: at(s) }, ...events] };
    };
    const cases = Array.from({ length: 500 }, (_, i) => history(i));
    const report = replayCases(() => sla('PT8H'), sla('PT4H'), cases);
    // by hand: i % 12 = 0…3 (1–4 h) answered within both SLAs; 4…7 (5–8 h) escalated at 4 h under the draft, with
    // no lead's answer recorded; 8…11 (9–12 h) escalated in both, at 4 h instead of 8 h. 500 = 41 × 12 + 8:
    // residues 0…7 occur 42 times, 8…11 41 times
    const inTime = (i: number) => hours(i) <= 4;
    const wouldEscalate = (i: number) => hours(i) > 4 && hours(i) <= 8;
    const escalated = (i: number) => hours(i) > 8;
    const ids = (keep: (i: number) => boolean) => cases.filter((_, i) => keep(i)).map((c) => c.caseId);

    it('what happened: each case took as long as recorded, escalated at the SLA it ran under', () => {
      const original = new Map(report.cases.map((c) => [c.caseId, c.original]));
      for (let i = 0; i < 500; i++) {
        const run = original.get(`t${i}`)!;
        expect(run.durationMs).toBe(hours(i) * HOUR);
        expect(run.tasks[0]).toEqual({
          nodeId: 'approval',
          queue: 'approvals',
          openedAt: at(startOf(i)),
          dueAt: at(startOf(i) + 8 * HOUR),
          closedAt: at(startOf(i) + Math.min(hours(i), 8) * HOUR),
          late: false,
        });
      }
      expect(report.paths.original).toEqual([
        { path: ['start', 'approval', 'paid'], cases: 4 * 42 + 4 * 42, medianMs: 4 * HOUR }, // 1…8 h, 42 each: the lower middle is 4 h
        { path: ['start', 'approval', 'escalation', 'paid'], cases: 4 * 41, medianMs: 10 * HOUR },
      ]);
    });

    it('the draft: counts per path, durations per path and per case, against the hand-made expectation', () => {
      expect(report).toMatchObject({ total: 500, pathDiffers: 168, stopped: 168, outcomeDiffers: 168, late: { original: 0, replayed: 0 } });
      expect(report.paths.replayed).toEqual([
        { path: ['start', 'approval', 'escalation'], cases: 168, medianMs: null },
        { path: ['start', 'approval', 'paid'], cases: 168, medianMs: 2 * HOUR },
        { path: ['start', 'approval', 'escalation', 'paid'], cases: 164, medianMs: 10 * HOUR },
      ]);
      const byId = new Map(report.cases.map((c) => [c.caseId, c]));
      expect(report.cases.filter((c) => c.pathDiffers).map((c) => c.caseId)).toEqual(ids(wouldEscalate));
      // every SLA due time moves (8 h → 4 h); the durations only of the cases that would stop at the escalation
      expect(report.timesDiffer).toBe(500);
      expect(report.cases.filter((c) => c.original.durationMs !== c.replayed.durationMs).map((c) => c.caseId)).toEqual(ids(wouldEscalate));
      for (let i = 0; i < 500; i++) {
        const { replayed } = byId.get(`t${i}`)!;
        const approval = replayed.tasks[0]!;
        expect([approval.dueAt, approval.closedAt]).toEqual([at(startOf(i) + 4 * HOUR), at(startOf(i) + Math.min(hours(i), 4) * HOUR)]);
        if (inTime(i)) expect(replayed).toMatchObject({ outcome: 'resolved', durationMs: hours(i) * HOUR, tasks: [{ nodeId: 'approval' }] });
        if (wouldEscalate(i))
          expect(replayed).toMatchObject({
            outcome: null,
            durationMs: null,
            stopped: 'no recorded answer for step escalation',
            tasks: [{ nodeId: 'approval' }, { nodeId: 'escalation', openedAt: at(startOf(i) + 4 * HOUR), closedAt: null }],
          });
        if (escalated(i))
          expect(replayed).toMatchObject({
            outcome: 'resolved',
            durationMs: hours(i) * HOUR,
            tasks: [{ nodeId: 'approval' }, { nodeId: 'escalation', openedAt: at(startOf(i) + 4 * HOUR), closedAt: at(startOf(i) + hours(i) * HOUR) }],
          });
      }
    });

    it('a longer SLA without escalation makes the late tasks visible instead', () => {
      // an SLA but no timeout edge: nothing escalates, tasks answered after 6 h are late
      const definition = flow(
        [start(), task('approval', ['approve'], { queue: 'approvals', dueIn: 'PT6H' }), end('paid')],
        edges('start>approval', 'approval.approve>paid'),
      );
      const compiled = compile(definition);
      if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
      const r = replayCases(
        () => sla('PT8H'),
        { definition, flow: compiled.flow },
        cases.filter((_, i) => hours(i) <= 8),
      );
      // answered after 7 and 8 hours: residues 6 and 7, 42 cases each
      expect(r.late.replayed).toBe(2 * 42);
    });
  });
});
