import { getInitialMicrosteps, getMicrosteps, type AnyMachineSnapshot } from 'xstate';
import type { CompiledFlow } from '../compile/compile.js';
import type { WorkflowDefinition } from '../definition/types.js';
import { activeNodeIds } from './activeNodes.js';
import type { CaseInput } from './context.js';
import { createFlowMachine } from './createFlowMachine.js';
import type { RecordedCaseEvent } from './route.js';

/** One closed case to replay: what it started from and its recorded history (first event `case.started`). */
export interface ReplayCase {
  caseId: string;
  input: CaseInput;
  events: readonly RecordedCaseEvent[];
}

/** A flow as the replay needs it: its definition (edges, for counts) and its compiled machine. */
export interface ReplayFlow {
  definition: WorkflowDefinition;
  flow: CompiledFlow;
}

/** Where one run went: the nodes in order, the edges between them, the queues its tasks opened in, and how it ended. */
export interface ReplayRun {
  path: string[];
  edges: string[];
  queues: string[];
  /** resolved, rejected, cancelled, failed; `null` when the run stopped before an end. */
  outcome: string | null;
  /** Why the run stopped before an end, e.g. "no recorded answer for step controllerReview". */
  stopped?: string;
}

export interface ReplayCaseResult {
  caseId: string;
  original: ReplayRun;
  replayed: ReplayRun;
  outcomeDiffers: boolean;
  pathDiffers: boolean;
  queuesDiffer: boolean;
}

export interface ReplayReport {
  cases: ReplayCaseResult[];
  /** Runs through each node and edge, for the original version and the replayed one. */
  counts: {
    original: { nodes: Record<string, number>; edges: Record<string, number> };
    replayed: { nodes: Record<string, number>; edges: Record<string, number> };
  };
  total: number;
  outcomeDiffers: number;
  pathDiffers: number;
  queuesDiffer: number;
  stopped: number;
}

const machines = new WeakMap<CompiledFlow, ReturnType<typeof createFlowMachine>>();
/** One machine per compiled flow object: a replay runs hundreds of cases through the same two. */
function machineOf(flow: CompiledFlow) {
  let machine = machines.get(flow);
  if (!machine) machines.set(flow, (machine = createFlowMachine(flow)));
  return machine;
}

/** Events that answer a wait: replayed from the record for the same node, in order. */
const ANSWERS = new Set(['service.done', 'service.failed', 'task.completed', 'timer.fired', 'subflow.done']);

type Steps = [AnyMachineSnapshot, { type: string; params?: Record<string, unknown> }[]][];

/**
 * Runs a case's recorded history through a flow, answering each wait with the recorded answer
 * for the same node (in the order they were recorded), as the pure machine would take it.
 * Stops at the first wait with no recorded answer. Cancellation is replayed as recorded.
 * @example runRecorded(flow, { caseId, input: { invoice }, events }) // { path: ['start', 'review', 'ok'], outcome: 'resolved', ... }
 */
export function runRecorded({ definition, flow }: ReplayFlow, run: ReplayCase): ReplayRun {
  const machine = machineOf(flow);
  const answers = new Map<string, { type: string; payload: Record<string, unknown>; actor: string | null }[]>();
  let cancel: RecordedCaseEvent | undefined;
  for (const event of run.events) {
    if (event.type === 'case.cancel') cancel ??= event;
    if (!ANSWERS.has(event.type)) continue;
    const nodeId = String(event.payload?.nodeId ?? '');
    answers.set(nodeId, [...(answers.get(nodeId) ?? []), { type: event.type, payload: event.payload ?? {}, actor: event.actor ?? null }]);
  }
  const path: string[] = [];
  const queues: string[] = [];
  let active: string[] = [];
  const follow = (steps: Steps) => {
    for (const [snapshot, actions] of steps) {
      const now = activeNodeIds(snapshot.value);
      path.push(...now.filter((id) => !active.includes(id)));
      active = now;
      for (const a of actions) if (a.type === 'exflow.task.open') queues.push(String(a.params?.queue));
    }
    return steps.at(-1)?.[0];
  };
  let snapshot = follow(getInitialMicrosteps(machine, run.input) as Steps)!;
  let stopped: string | undefined;
  // a bound on steps, so a recorded loop can never spin forever
  for (let guard = 0; snapshot.status !== 'done' && guard < 10_000; guard++) {
    const waiting = activeNodeIds(snapshot.value);
    const node = waiting.find((id) => answers.get(id)?.length);
    if (!node) {
      if (cancel) {
        snapshot = follow(getMicrosteps(machine, snapshot, { ...cancel.payload, type: cancel.type, actor: cancel.actor ?? null }) as Steps) ?? snapshot;
        if (snapshot.status !== 'done') stopped = 'cancellation was not accepted';
      } else stopped = `no recorded answer for step ${waiting.join(', ') || '(none)'}`;
      break;
    }
    const answer = answers.get(node)!.shift()!;
    const next = follow(getMicrosteps(machine, snapshot, { ...answer.payload, type: answer.type, actor: answer.actor }) as Steps);
    if (!next) {
      stopped = `the recorded ${answer.type}${answer.payload.outcome ? ` "${String(answer.payload.outcome)}"` : ''} is not accepted at step ${node}`;
      break;
    }
    snapshot = next;
  }
  const finalState =
    snapshot.status === 'done' ? Object.keys(flow.outcomes).find((id) => activeNodeIds(snapshot.value).includes(id) || snapshot.value === id) : undefined;
  const outcome = finalState ? flow.outcomes[finalState] : null;
  return { path, edges: edgesAlong(definition, path), queues, outcome, ...(stopped ? { stopped } : {}) };
}

/** The edge ids between consecutive nodes of a path (where the definition has such an edge). */
function edgesAlong(definition: WorkflowDefinition, path: string[]): string[] {
  const ids: string[] = [];
  for (let i = 1; i < path.length; i++) {
    const edge = definition.edges.find((e) => e.source === path[i - 1] && e.target === path[i]);
    if (edge) ids.push(edge.id);
  }
  return ids;
}

const tally = (counts: Record<string, number>, ids: string[]) => {
  for (const id of ids) counts[id] = (counts[id] ?? 0) + 1;
};

/**
 * What-if replay: each closed case run through the version it ran on and through another
 * (a draft), both from the same recorded answers, compared per case and counted per node and
 * edge. Pure: nothing is written, nothing outside is called.
 * @example
 * const report = replayCases(published, draft, cases);
 * report.outcomeDiffers // cases whose outcome the draft would change
 */
export function replayCases(original: (run: ReplayCase) => ReplayFlow, candidate: ReplayFlow, runs: readonly ReplayCase[]): ReplayReport {
  const counts = { original: { nodes: {}, edges: {} }, replayed: { nodes: {}, edges: {} } } as ReplayReport['counts'];
  const cases = runs.map((run) => {
    const before = runRecorded(original(run), run);
    const after = runRecorded(candidate, run);
    tally(counts.original.nodes, before.path);
    tally(counts.original.edges, before.edges);
    tally(counts.replayed.nodes, after.path);
    tally(counts.replayed.edges, after.edges);
    return {
      caseId: run.caseId,
      original: before,
      replayed: after,
      outcomeDiffers: before.outcome !== after.outcome,
      pathDiffers: before.path.join('>') !== after.path.join('>'),
      queuesDiffer: before.queues.join('>') !== after.queues.join('>'),
    };
  });
  return {
    cases,
    counts,
    total: cases.length,
    outcomeDiffers: cases.filter((c) => c.outcomeDiffers).length,
    pathDiffers: cases.filter((c) => c.pathDiffers).length,
    queuesDiffer: cases.filter((c) => c.queuesDiffer).length,
    stopped: cases.filter((c) => c.replayed.stopped).length,
  };
}
