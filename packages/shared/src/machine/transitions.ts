import { createActor, type AnyActorScope, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import type { CaseEvent } from './context.js';

/** What a pure step gives: the next snapshot and the actions to run (effects, as data). */
export type FlowStep = [snapshot: AnyMachineSnapshot, actions: Array<{ type: string; params?: unknown }>];

/**
 * One inert actor scope per machine. XState's pure `transition` and `initialTransition` build a
 * new one on every call, and building one creates an actor, which eagerly computes the
 * machine's initial snapshot without input: for a flow that initial transition fails on the
 * missing invoice and throws a TypeError (caught by XState), a stack trace per step. That was
 * about 1.6 % of bench:cases' Node CPU (docs/benchmarks.md, perf stop 4).
 *
 * Sharing a scope is the same as a new one for flow machines: they invoke and spawn no actors
 * (nothing registers in the scope's system), `defer`, `emit` and the logger do nothing, and a
 * step is synchronous, so the action list set for a call is the one the call gets back.
 */
const scopes = new WeakMap<AnyStateMachine, AnyActorScope>();

function inertScope(machine: AnyStateMachine): AnyActorScope {
  let scope = scopes.get(machine);
  if (!scope) {
    const self = createActor(machine);
    scope = {
      self,
      id: '',
      sessionId: '',
      logger: () => {},
      defer: () => {},
      emit: () => {},
      system: self.system,
      stopChild: () => {},
      actionExecutor: () => {},
    };
    scopes.set(machine, scope);
  }
  return scope;
}

function step(machine: AnyStateMachine, run: (scope: AnyActorScope) => AnyMachineSnapshot): FlowStep {
  const scope = inertScope(machine);
  const actions: FlowStep[1] = [];
  scope.actionExecutor = (action) => void actions.push(action as FlowStep[1][number]);
  try {
    return [run(scope), actions];
  } finally {
    scope.actionExecutor = () => {};
  }
}

/**
 * XState's `initialTransition(machine, input)` for a flow machine, on the machine's shared inert
 * scope: the same snapshot and actions, without an actor built per call.
 * @example const [snapshot, effects] = flowInitialTransition(machine, { invoice });
 */
export function flowInitialTransition(machine: AnyStateMachine, input: unknown): FlowStep {
  return step(machine, (scope) => machine.getInitialSnapshot(scope, input) as AnyMachineSnapshot);
}

/**
 * XState's `transition(machine, snapshot, event)` for a flow machine, on the machine's shared
 * inert scope: the same next snapshot and actions, without an actor built per call.
 * @example const [next, effects] = flowTransition(machine, snapshot, { type: 'task.completed', nodeId: 'review', outcome: 'approve' });
 */
export function flowTransition(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: CaseEvent): FlowStep {
  return step(machine, (scope) => machine.transition(snapshot, event, scope) as AnyMachineSnapshot);
}
