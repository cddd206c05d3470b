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
    expect(runRecorded(before, runs[20])).toEqual({
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
});
