import {
  activeNodeIds,
  compile,
  createFlowMachine,
  resolveCheckParams,
  runCheck,
  type CaseContext,
  type FlowTestCase,
  type Invoice,
  type ReferenceData,
  type TestCaseStep,
  type CaseEvent,
  type CaseOutcome,
  type ValidationProblem,
  type WorkflowDefinition,
} from '@exflow/shared';
import { getInitialMicrosteps, getMicrosteps, initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';

/** Something the case waits for: the simulator's user answers it from the panel. */
export type PendingWork =
  | { type: 'service'; nodeId: string; service: string; params: Record<string, unknown> }
  | { type: 'task'; nodeId: string; title: string; queue: string; outcomes: { id: string; label?: string }[]; form: Record<string, unknown> | null }
  | { type: 'timer'; nodeId: string; timerId: string; dueIn: string; sla: boolean };

/** One microstep: where the case stood and what it knew. */
export interface SimFrame {
  active: string[];
  context: CaseContext;
  /** Effects requested on this microstep, e.g. `exflow.task.open procurementReview`. */
  effects: { type: string; nodeId?: string }[];
}

/** One macrostep: the event that caused it and the microsteps it went through. */
export interface SimStep {
  event: CaseEvent;
  frames: SimFrame[];
}

export interface Simulation {
  definition: WorkflowDefinition;
  machine: AnyStateMachine;
  outcomes: Record<string, CaseOutcome>;
  snapshot: AnyMachineSnapshot;
  steps: SimStep[];
  /** Frames revealed so far in the last step: `step` reveals one, `run to the next wait` all. */
  shownFrames: number;
  pending: PendingWork[];
  status: 'waiting' | 'done';
  outcome?: CaseOutcome;
  /** When given, check steps answer themselves with the real check on this invoice and reference data. */
  checks?: SimulationChecks;
  /** Nodes whose service result came from a real check (not typed by the user). */
  checked: string[];
}

export interface SimulationChecks {
  invoice: Invoice;
  reference: ReferenceData;
  /** YYYY-MM-DD */
  today: string;
  /**
   * The tenant's policies in force (`GET /policies` effective): a check runs with the params the
   * runtime would give it (`resolveCheckParams`: policy, else the node's where the policy allows).
   */
  policies?: Record<string, unknown>;
}

/** An action the machine requested; the params of effect actions are written by shared's `compile`. */
type Effect = {
  type: string;
  params?: {
    nodeId?: unknown;
    service?: unknown;
    params?: Record<string, unknown>;
    title?: unknown;
    queue?: unknown;
    outcomes?: { id: string; label?: string }[];
    form?: Record<string, unknown> | null;
    timerId?: unknown;
    dueIn?: unknown;
  };
};

/**
 * Starts a case of `definition` in memory with the same compiled machine the runtime uses,
 * through XState's pure `initialTransition`. Returns the compile problems instead when the
 * definition does not compile.
 * @example startSimulation(definition, { invoice: invoiceForFeel(parsed.invoice) })
 */
export function startSimulation(
  definition: WorkflowDefinition,
  input: { invoice: Record<string, unknown> },
  checks?: SimulationChecks,
): { ok: true; simulation: Simulation } | { ok: false; problems: ValidationProblem[] } {
  const compiled = compile(definition);
  if (!compiled.ok) return { ok: false, problems: compiled.problems };
  const machine = createFlowMachine(compiled.flow);
  const [snapshot, actions] = initialTransition(machine, input);
  const frames = getInitialMicrosteps(machine, input).map(([s, a]) => toFrame(s, a as Effect[]));
  const base: Simulation = {
    definition,
    machine,
    outcomes: compiled.flow.outcomes,
    snapshot,
    steps: [],
    shownFrames: 0,
    pending: [],
    status: 'waiting',
    checks,
    checked: [],
  };
  return { ok: true, simulation: answerChecks(settle(base, { type: 'case.started' }, snapshot, actions as Effect[], frames)) };
}

/**
 * Answers every check the case waits for with the real check (shared's `runCheck`) on the
 * simulation's invoice and reference data, as the runtime's check services would; a check
 * that throws fails the service. Services that are not checks stay for the user to answer.
 */
function answerChecks(simulation: Simulation): Simulation {
  let current = simulation;
  for (let guard = 0; guard < 100 && current.checks && current.status === 'waiting'; guard++) {
    const { invoice, reference, today, policies } = current.checks;
    let event: CaseEvent | undefined;
    for (const work of current.pending) {
      if (work.type !== 'service') continue;
      try {
        const params = policies ? resolveCheckParams(work.service, policies, work.params) : work.params;
        const result = runCheck(work.service, invoice, reference, params, today);
        if (result) event = { type: 'service.done', nodeId: work.nodeId, result };
      } catch (e) {
        event = { type: 'service.failed', nodeId: work.nodeId, error: { message: (e as Error).message } };
      }
      if (event) break;
    }
    if (!event) break;
    const sent = sendToSimulation({ ...current, checks: undefined }, event);
    if (!sent.accepted) break;
    current = { ...sent.simulation, checks: current.checks, checked: [...current.checked, String(event.nodeId)] };
  }
  return current;
}

/**
 * Sends an event to the simulated case. `accepted: false` when the current state ignores it
 * (the runtime answers such an event with 409).
 */
export function sendToSimulation(simulation: Simulation, event: CaseEvent): { accepted: boolean; simulation: Simulation } {
  if (simulation.status === 'done') return { accepted: false, simulation };
  const micro = getMicrosteps(simulation.machine, simulation.snapshot, event as never);
  const [snapshot, actions] = transition(simulation.machine, simulation.snapshot, event as never);
  if (snapshot === simulation.snapshot || micro.length === 0) return { accepted: false, simulation };
  const frames = micro.map(([s, a]) => toFrame(s, a as Effect[]));
  return { accepted: true, simulation: answerChecks(settle(revealAll(simulation), event, snapshot, actions as Effect[], frames)) };
}

/** The nodes the case entered, in order (what a test case expects). */
export function simulationRoute(simulation: Simulation): string[] {
  const route: string[] = [];
  let active: string[] = [];
  for (const frame of simulation.steps.flatMap((s) => s.frames)) {
    route.push(...frame.active.filter((id) => !active.includes(id)));
    active = frame.active;
  }
  return route;
}

/**
 * A test case that replays this simulation: the invoice and reference data, the user's answers
 * (task outcomes, timers fired, results of services that are not checks) and the route and
 * outcome reached, as the expectation.
 */
export function testCaseFromSimulation(simulation: Simulation, id: string, name: string, rawInvoice: Record<string, unknown>): FlowTestCase {
  const steps: TestCaseStep[] = [];
  const services: Record<string, Record<string, unknown>> = {};
  for (const { event } of simulation.steps) {
    const nodeId = String(event.nodeId ?? '');
    if (event.type === 'task.completed') {
      const data = (event.data ?? {}) as Record<string, unknown>;
      steps.push({ complete: nodeId, outcome: String(event.outcome), ...(Object.keys(data).length ? { data } : {}) });
    } else if (event.type === 'timer.fired') steps.push({ timeout: String(event.timerId).replace(/:sla$/, '') });
    else if (event.type === 'service.done' && !simulation.checked.includes(nodeId)) services[nodeId] = (event.result ?? {}) as Record<string, unknown>;
  }
  return {
    id,
    name,
    invoice: rawInvoice,
    ...(simulation.checks ? { reference: simulation.checks.reference } : {}),
    ...(steps.length ? { steps } : {}),
    ...(Object.keys(services).length ? { services } : {}),
    expect: { route: simulationRoute(simulation), outcome: simulation.status === 'done' ? (simulation.outcome ?? 'open') : 'open' },
  };
}

/** Reveals the next microstep of the last step. */
export function stepForward(simulation: Simulation): Simulation {
  const last = simulation.steps.at(-1);
  if (!last || simulation.shownFrames >= last.frames.length) return simulation;
  return { ...simulation, shownFrames: simulation.shownFrames + 1 };
}

/** Reveals every microstep up to where the case waits (or ends). */
export function revealAll(simulation: Simulation): Simulation {
  const last = simulation.steps.at(-1);
  return last && simulation.shownFrames !== last.frames.length ? { ...simulation, shownFrames: last.frames.length } : simulation;
}

/** True while microsteps of the last step are still hidden. */
export const hasHiddenFrames = (s: Simulation) => s.shownFrames < (s.steps.at(-1)?.frames.length ?? 0);

/** Every frame revealed so far, in order. */
export function shownFrames(simulation: Simulation): SimFrame[] {
  const all = simulation.steps.slice(0, -1).flatMap((s) => s.frames);
  const last = simulation.steps.at(-1);
  return last ? [...all, ...last.frames.slice(0, simulation.shownFrames)] : all;
}

/** The path drawn on the canvas: nodes visited, edges taken, nodes where the case stands now. */
export function simulationPath(simulation: Simulation): { active: string[]; visited: Set<string>; edges: Set<string> } {
  const frames = shownFrames(simulation);
  const visited = new Set<string>();
  const edges = new Set<string>();
  const { definition } = simulation;
  let previous: string[] = [];
  let stepIndex = 0;
  let frameInStep = 0;
  for (const frame of frames) {
    const event = simulation.steps[stepIndex]?.event;
    const preferred = frameInStep === 0 && event ? portForEvent(event) : undefined;
    for (const id of frame.active) visited.add(id);
    for (const target of frame.active) {
      if (previous.includes(target)) continue;
      const candidates = definition.edges.filter((e) => e.target === target && previous.includes(e.source));
      const exact = candidates.filter((e) => preferred && e.sourcePort === preferred);
      for (const e of exact.length ? exact : candidates) edges.add(e.id);
    }
    previous = frame.active;
    frameInStep++;
    if (frameInStep >= (simulation.steps[stepIndex]?.frames.length ?? 0)) {
      stepIndex++;
      frameInStep = 0;
    }
  }
  return { active: frames.at(-1)?.active ?? [], visited, edges };
}

function portForEvent(event: CaseEvent): string | undefined {
  if (event.type === 'service.done') return 'done';
  if (event.type === 'service.failed') return 'error';
  if (event.type === 'task.completed') return String(event.outcome);
  if (event.type === 'timer.fired' && String(event.timerId).endsWith(':sla')) return 'timeout';
  return undefined;
}

function toFrame(snapshot: AnyMachineSnapshot, actions: Effect[]): SimFrame {
  return {
    active: activeNodeIds(snapshot.value),
    context: snapshot.context as CaseContext,
    effects: actions.filter((a) => a.type.startsWith('exflow.')).map((a) => ({ type: a.type, nodeId: a.params?.nodeId as string | undefined })),
  };
}

function settle(simulation: Simulation, event: CaseEvent, snapshot: AnyMachineSnapshot, actions: Effect[], frames: SimFrame[]): Simulation {
  const done = snapshot.status === 'done';
  const finalState = done ? (activeNodeIds(snapshot.value)[0] ?? String(snapshot.value)) : undefined;
  const pending = done ? [] : nextPending(simulation.pending, actions, activeNodeIds(snapshot.value));
  return {
    ...simulation,
    snapshot,
    steps: [...simulation.steps, { event, frames }],
    shownFrames: frames.length > 0 ? 1 : 0,
    pending,
    status: done ? 'done' : 'waiting',
    outcome: finalState ? simulation.outcomes[finalState] : undefined,
  };
}

/** What the case waits for after `actions`: opened tasks, scheduled timers, called services. */
function nextPending(before: PendingWork[], actions: Effect[], active: string[]): PendingWork[] {
  let pending = [...before];
  for (const { type, params = {} } of actions) {
    const nodeId = String(params.nodeId);
    if (type === 'exflow.service') {
      pending = pending.filter((p) => !(p.type === 'service' && p.nodeId === nodeId));
      pending.push({ type: 'service', nodeId, service: String(params.service), params: params.params ?? {} });
    } else if (type === 'exflow.service.cancel') {
      pending = pending.filter((p) => !(p.type === 'service' && p.nodeId === nodeId));
    } else if (type === 'exflow.task.open') {
      pending.push({
        type: 'task',
        nodeId,
        title: String(params.title ?? nodeId),
        queue: String(params.queue ?? ''),
        outcomes: params.outcomes ?? [],
        form: params.form ?? null,
      });
    } else if (type === 'exflow.task.close') {
      pending = pending.filter((p) => !(p.type === 'task' && p.nodeId === nodeId));
    } else if (type === 'exflow.timer.schedule') {
      const timerId = String(params.timerId);
      pending.push({ type: 'timer', nodeId, timerId, dueIn: String(params.dueIn ?? ''), sla: timerId !== nodeId });
    } else if (type === 'exflow.timer.cancel') {
      pending = pending.filter((p) => !(p.type === 'timer' && p.nodeId === nodeId));
    }
  }
  // a service has no close effect: it is done once the case has left its state
  return pending.filter((p) => p.type !== 'service' || active.includes(p.nodeId));
}
