import { getInitialMicrosteps, getMicrosteps, type AnyMachineSnapshot } from 'xstate';
import type { CompiledFlow } from '../compile/compile.js';
import type { WorkflowDefinition } from '../definition/types.js';
import { durationToMs } from '../time/duration.js';
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

/** A task a run opened: when, its SLA due time under the flow replayed, and when it closed. */
export interface ReplayTask {
  nodeId: string;
  queue: string;
  openedAt: string | null;
  /** Opened plus the step's `dueIn` (`null`: no SLA, or no recorded times). */
  dueAt: string | null;
  /** `null` while it was still open when the run ended or stopped. */
  closedAt: string | null;
  /** Closed after its due time. */
  late: boolean;
}

/** Where one run went: the nodes in order, the edges between them, the queues its tasks opened in, how it ended, and when. */
export interface ReplayRun {
  path: string[];
  edges: string[];
  queues: string[];
  /** resolved, rejected, cancelled, failed; `null` when the run stopped before an end. */
  outcome: string | null;
  /** Why the run stopped before an end, e.g. "no recorded answer for step controllerReview". */
  stopped?: string;
  startedAt: string | null;
  /** When the run reached its end (`null`: it stopped, or the history has no times). */
  endedAt: string | null;
  durationMs: number | null;
  tasks: ReplayTask[];
}

export interface ReplayCaseResult {
  caseId: string;
  original: ReplayRun;
  replayed: ReplayRun;
  outcomeDiffers: boolean;
  pathDiffers: boolean;
  queuesDiffer: boolean;
  /** The duration, or a task's SLA due time or lateness, differs. */
  timesDiffer: boolean;
}

/** The runs that took one path: how many, and their median duration (of those that ended). */
export interface ReplayPathCount {
  path: string[];
  cases: number;
  medianMs: number | null;
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
  timesDiffer: number;
  stopped: number;
  /** Tasks closed after their SLA due time. */
  late: { original: number; replayed: number };
  /** Runs per path (most taken first), with their median duration. */
  paths: { original: ReplayPathCount[]; replayed: ReplayPathCount[] };
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

type Answer = { type: string; payload: Record<string, unknown>; actor: string | null; at: number | undefined };
/** What may happen next while a run waits, ranked by time (ties: a recorded answer, then a timer, then the cancellation). */
type Next = { kind: 0; node: string; answer: Answer } | { kind: 1; timer: PlannedTimer } | { kind: 2 };
interface PlannedTimer {
  nodeId: string;
  timerId: string;
  dueAt: number;
}

const timeOf = (at: string | undefined) => (at === undefined ? undefined : Date.parse(at));
const isoOf = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/**
 * Runs a case's recorded history through a flow, answering each wait with the recorded answer
 * for the same node (in the order they were recorded), as the pure machine would take it.
 * Stops at the first wait with no recorded answer. Cancellation is replayed as recorded.
 *
 * With recorded times (`at`), the run keeps a clock: a task's SLA due time is its opening plus
 * the flow's `dueIn`, a timer fires at its set time plus its duration (a recorded `timer.fired`
 * stands for the flow's own timer), and a timer due before the recorded answer fires first (a
 * shorter SLA escalates the task a person answered later). Whatever comes first happens first.
 * @example runRecorded(flow, { caseId, input: { invoice }, events }) // { path: ['start', 'review', 'ok'], outcome: 'resolved', durationMs: 3600000, ... }
 */
export function runRecorded({ definition, flow }: ReplayFlow, run: ReplayCase): ReplayRun {
  const machine = machineOf(flow);
  const answers = new Map<string, Answer[]>();
  let cancel: RecordedCaseEvent | undefined;
  for (const event of run.events) {
    if (event.type === 'case.cancel') cancel ??= event;
    if (!ANSWERS.has(event.type)) continue;
    const nodeId = String(event.payload?.nodeId ?? '');
    answers.set(nodeId, [...(answers.get(nodeId) ?? []), { type: event.type, payload: event.payload ?? {}, actor: event.actor ?? null, at: timeOf(event.at) }]);
  }
  const path: string[] = [];
  const queues: string[] = [];
  const tasks: (Omit<ReplayTask, 'openedAt' | 'dueAt' | 'closedAt' | 'late'> & { openedAt?: number; dueAt?: number; closedAt?: number })[] = [];
  const timers = new Map<string, PlannedTimer>();
  const startedAt = timeOf(run.events[0]?.at);
  let now = startedAt;
  let active: string[] = [];
  const act = (a: { type: string; params?: Record<string, unknown> }) => {
    const p = a.params ?? {};
    const after = (duration: unknown) => (now === undefined || typeof duration !== 'string' ? undefined : now + (durationToMs(duration) ?? NaN));
    if (a.type === 'exflow.task.open') {
      queues.push(String(p.queue));
      const due = after(p.dueIn);
      tasks.push({ nodeId: String(p.nodeId), queue: String(p.queue), openedAt: now, dueAt: Number.isNaN(due) ? undefined : due });
    } else if (a.type === 'exflow.timer.schedule') {
      const due = after(p.dueIn);
      if (due !== undefined && !Number.isNaN(due)) timers.set(String(p.timerId), { nodeId: String(p.nodeId), timerId: String(p.timerId), dueAt: due });
    } else if (a.type === 'exflow.timer.cancel') {
      for (const [id, t] of timers) if (t.nodeId === p.nodeId) timers.delete(id);
    }
  };
  const follow = (steps: Steps) => {
    for (const [snapshot, actions] of steps) {
      const current = activeNodeIds(snapshot.value);
      path.push(...current.filter((id) => !active.includes(id)));
      for (const t of tasks) if (t.closedAt === undefined && active.includes(t.nodeId) && !current.includes(t.nodeId)) t.closedAt = now ?? NaN;
      active = current;
      for (const a of actions) act(a);
    }
    return steps.at(-1)?.[0];
  };
  /** The next recorded answer for a node that is not a fire of one of the run's own timers. */
  const answerAt = (node: string) => answers.get(node)?.find((a) => !(a.type === 'timer.fired' && timers.has(String(a.payload.timerId))));
  const nextOf = (waiting: string[]): Next | undefined => {
    const options: { next: Next; at: number | undefined }[] = [];
    for (const node of waiting) {
      const answer = answerAt(node);
      if (answer) options.push({ next: { kind: 0, node, answer }, at: answer.at });
    }
    for (const timer of timers.values()) if (waiting.includes(timer.nodeId)) options.push({ next: { kind: 1, timer }, at: timer.dueAt });
    // without times, answers come first in the order of the waiting steps, as recorded
    const ranked = options.sort((x, y) => (x.at ?? Infinity) - (y.at ?? Infinity) || x.next.kind - y.next.kind);
    const cancelAt = timeOf(cancel?.at);
    if (cancel && (!ranked.length || (cancelAt !== undefined && ranked[0]!.at !== undefined && cancelAt < ranked[0]!.at))) return { kind: 2 };
    return ranked[0]?.next;
  };

  let snapshot = follow(getInitialMicrosteps(machine, run.input) as Steps)!;
  let stopped: string | undefined;
  // a bound on steps, so a recorded loop can never spin forever
  for (let guard = 0; snapshot.status !== 'done' && guard < 10_000; guard++) {
    const waiting = activeNodeIds(snapshot.value);
    const next = nextOf(waiting);
    if (!next) {
      stopped = `no recorded answer for step ${waiting.join(', ') || '(none)'}`;
      break;
    }
    if (next.kind === 2) {
      now = timeOf(cancel!.at) ?? now;
      snapshot = follow(getMicrosteps(machine, snapshot, { ...cancel!.payload, type: cancel!.type, actor: cancel!.actor ?? null }) as Steps) ?? snapshot;
      if (snapshot.status !== 'done') stopped = 'cancellation was not accepted';
      break;
    }
    let event: Record<string, unknown> & { type: string };
    let node: string;
    if (next.kind === 1) {
      // the run's own timer: it stands for a recorded fire of the same timer, if there is one
      const { timer } = next;
      const recorded = answers.get(timer.nodeId) ?? [];
      const fired = recorded.findIndex((a) => a.type === 'timer.fired' && a.payload.timerId === timer.timerId);
      if (fired >= 0) recorded.splice(fired, 1);
      timers.delete(timer.timerId);
      now = timer.dueAt;
      node = timer.nodeId;
      event = { type: 'timer.fired', nodeId: timer.nodeId, timerId: timer.timerId, actor: 'system' };
    } else {
      const list = answers.get(next.node)!;
      list.splice(list.indexOf(next.answer), 1);
      now = next.answer.at ?? now;
      node = next.node;
      event = { ...next.answer.payload, type: next.answer.type, actor: next.answer.actor };
    }
    const after = follow(getMicrosteps(machine, snapshot, event as never) as Steps);
    if (!after) {
      stopped = `the recorded ${event.type}${event.outcome ? ` "${String(event.outcome)}"` : ''} is not accepted at step ${node}`;
      break;
    }
    snapshot = after;
  }
  const finalState =
    snapshot.status === 'done' ? Object.keys(flow.outcomes).find((id) => activeNodeIds(snapshot.value).includes(id) || snapshot.value === id) : undefined;
  const outcome = finalState ? flow.outcomes[finalState] : null;
  const endedAt = snapshot.status === 'done' ? now : undefined;
  return {
    path,
    edges: edgesAlong(definition, path),
    queues,
    outcome,
    ...(stopped ? { stopped } : {}),
    startedAt: isoOf(startedAt),
    endedAt: isoOf(endedAt),
    durationMs: endedAt === undefined || startedAt === undefined ? null : endedAt - startedAt,
    tasks: tasks.map((t) => {
      const closedAt = t.closedAt === undefined || Number.isNaN(t.closedAt) ? undefined : t.closedAt;
      return {
        nodeId: t.nodeId,
        queue: t.queue,
        openedAt: isoOf(t.openedAt),
        dueAt: isoOf(t.dueAt),
        closedAt: isoOf(closedAt),
        late: t.dueAt !== undefined && closedAt !== undefined && closedAt > t.dueAt,
      };
    }),
  };
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
      timesDiffer: before.durationMs !== after.durationMs || timesOf(before) !== timesOf(after),
    };
  });
  return {
    cases,
    counts,
    total: cases.length,
    outcomeDiffers: cases.filter((c) => c.outcomeDiffers).length,
    pathDiffers: cases.filter((c) => c.pathDiffers).length,
    queuesDiffer: cases.filter((c) => c.queuesDiffer).length,
    timesDiffer: cases.filter((c) => c.timesDiffer).length,
    stopped: cases.filter((c) => c.replayed.stopped).length,
    late: {
      original: cases.reduce((n, c) => n + c.original.tasks.filter((t) => t.late).length, 0),
      replayed: cases.reduce((n, c) => n + c.replayed.tasks.filter((t) => t.late).length, 0),
    },
    paths: { original: pathCounts(cases.map((c) => c.original)), replayed: pathCounts(cases.map((c) => c.replayed)) },
  };
}

/** A run's task times, to compare two runs. */
const timesOf = (run: ReplayRun) => run.tasks.map((t) => `${t.nodeId}:${t.dueAt}:${t.late}`).join('|');

/** The median of durations in ms (the lower middle of an even count), `null` for none. */
function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Runs grouped by path, most taken first, each with its median duration. */
function pathCounts(runs: ReplayRun[]): ReplayPathCount[] {
  const groups = new Map<string, ReplayRun[]>();
  for (const run of runs) groups.set(run.path.join('>'), [...(groups.get(run.path.join('>')) ?? []), run]);
  return [...groups.values()]
    .map((group) => ({
      path: group[0]!.path,
      cases: group.length,
      medianMs: median(group.flatMap((r) => (r.durationMs === null ? [] : [r.durationMs]))),
    }))
    .sort((a, b) => b.cases - a.cases || a.path.join('>').localeCompare(b.path.join('>')));
}
