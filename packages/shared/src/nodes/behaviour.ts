import type { CaseContext, CaseEvent } from '../machine/context.js';

/**
 * The params `compile` writes into the machine on a guard or an action; each reads its own
 * (a decision table's params are its whole `DecisionTableSpec`).
 */
export interface BehaviourParams {
  expression: string;
  nodeId: string;
  outcome: string;
  timerId: string;
  message: string;
  resultVar: string;
  [key: string]: unknown;
}

/** What a guard or an action sees: the case's context and the event being handled. */
export interface BehaviourArgs {
  context: CaseContext;
  event: CaseEvent;
}

/** A guard: pure; whether the transition it sits on is taken. */
export type KindGuard = (args: BehaviourArgs, params: BehaviourParams) => boolean;

/** An action: pure; the context fields it changes (`createFlowMachine` applies them as an XState `assign`). */
export type KindAction = (args: BehaviourArgs, params: BehaviourParams) => Partial<CaseContext>;

/**
 * The code a node kind's compiled states run, by the names its `compile` writes on guards and
 * actions. Compiled machines name them qualified by the kind (`humanTask.taskOutcome`), so two
 * kinds never share one implementation by accident and each can change on its own version.
 */
export interface KindBehaviour {
  guards?: Record<string, KindGuard>;
  actions?: Record<string, KindAction>;
}

// Guards and actions several kinds use. A kind that changes one of them gives itself its own
// implementation under a new version and keeps this one in `earlier`.

/** The event reports on this step (`service.done`, `service.failed`). */
export const fromNode: KindGuard = ({ event }, params) => event.nodeId === params.nodeId;

/** The timer that fired is this step's. */
export const timerIs: KindGuard = ({ event }, params) => event.timerId === params.timerId;

/** A correlated message for this step. */
export const messageFor: KindGuard = ({ event }, params) => event.nodeId === params.nodeId && event.name === params.message;

/** Keeps a service's result under the step's result name. */
export const assignServiceResult: KindAction = ({ context, event }, params) => ({
  vars: { ...context.vars, [params.resultVar]: event.result ?? null },
});

/** Keeps a service's failure under the step's node id. */
export const assignServiceError: KindAction = ({ context, event }, params) => ({
  errors: { ...context.errors, [params.nodeId]: event.error ?? 'failed' },
});

/** Keeps a message's payload under the step's result name. */
export const assignMessage: KindAction = ({ context, event }, params) => ({
  vars: { ...context.vars, [params.resultVar]: event.payload ?? null },
});
