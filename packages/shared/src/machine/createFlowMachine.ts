import { assign, not, or, setup, stateIn, type AnyStateMachine } from 'xstate';
import type { CompiledFlow } from '../compile/compile.js';
import { decide, type DecisionTableSpec } from '../feel/decisionTable.js';
import { feelCondition } from '../feel/feel.js';
import { feelContext, initialCaseContext, type CaseContext, type CaseInput } from './context.js';

/** Any event a case receives. Names are stable: they are stored in the event log. */
export interface CaseEvent {
  type: string;
  [key: string]: unknown;
}

/**
 * The params `compile` writes into the machine for a guard or an action; each reads its own
 * (a decision table's params are its whole `DecisionTableSpec`).
 */
interface Params {
  expression: string;
  nodeId: string;
  outcome: string;
  timerId: string;
  message: string;
  resultVar: string;
  [key: string]: unknown;
}
const noEffect = () => {};

/**
 * Names of the actions that are effects: the engine stores them as data and handlers run them.
 * The machine itself never runs them.
 */
export const EFFECT_ACTIONS = [
  'exflow.service',
  'exflow.service.cancel',
  'exflow.task.open',
  'exflow.task.close',
  'exflow.timer.schedule',
  'exflow.timer.cancel',
  'exflow.message.subscribe',
  'exflow.message.unsubscribe',
] as const;
export type EffectActionType = (typeof EFFECT_ACTIONS)[number];

const flowSetup = setup({
  types: {} as { context: CaseContext; events: CaseEvent; input: CaseInput },
  guards: {
    // Replaced per flow in `createFlowMachine`: only the flow knows its final states.
    caseOpen: () => true,
    feel: ({ context }, params: Params) => feelCondition(params.expression, feelContext(context)),
    fromNode: ({ event }, params: Params) => event.nodeId === params.nodeId,
    taskOutcome: ({ event }, params: Params) => event.nodeId === params.nodeId && event.outcome === params.outcome,
    timerIs: ({ event }, params: Params) => event.timerId === params.timerId,
    messageFor: ({ event }, params: Params) => event.nodeId === params.nodeId && event.name === params.message,
    /** A sub-flow's completion message for this step, with the child case's outcome `params.outcome`. */
    messageOutcome: ({ event }, params: Params) =>
      event.nodeId === params.nodeId && event.name === params.message && (event.payload as { outcome?: unknown } | undefined)?.outcome === params.outcome,
    aiAutoResolve: ({ event }, params: Params) => {
      const result = event.result as { mode?: unknown; outcome?: unknown } | null | undefined;
      return event.nodeId === params.nodeId && result?.mode === 'auto' && result.outcome === params.outcome;
    },
  },
  actions: {
    assignServiceResult: assign(({ context, event }, params: Params) => ({
      vars: { ...context.vars, [params.resultVar]: event.result ?? null },
    })),
    assignServiceError: assign(({ context, event }, params: Params) => ({
      errors: { ...context.errors, [params.nodeId]: event.error ?? 'failed' },
    })),
    assignTaskResult: assign(({ context, event }, params: Params) => {
      const decided = { outcome: String(event.outcome), data: (event.data as Record<string, unknown>) ?? {}, by: (event.actor as string) ?? null };
      return { tasks: { ...context.tasks, [params.nodeId]: decided }, vars: { ...context.vars, [params.resultVar]: decided } };
    }),
    // an AI suggestion step completed the human step after it as the system (gate mode `auto`)
    assignAiDecision: assign(({ context, event }, params: Params) => {
      const result = event.result as { outcome: string; suggestionId?: string };
      const decided = { outcome: result.outcome, data: { aiSuggestionId: result.suggestionId ?? null }, by: 'system' };
      return { tasks: { ...context.tasks, [params.nodeId]: decided }, vars: { ...context.vars, [params.resultVar]: decided } };
    }),
    decideTable: assign(({ context }, params: Params) => ({
      vars: { ...context.vars, [params.resultVar]: decide(params as unknown as DecisionTableSpec, feelContext(context)).value },
    })),
    assignMessage: assign(({ context, event }, params: Params) => ({
      vars: { ...context.vars, [params.resultVar]: event.payload ?? null },
    })),
    countComment: assign(({ context }) => ({ comments: context.comments + 1 })),
    assignCancellation: assign(({ event }) => ({
      cancellation: { reason: String(event.reason ?? ''), by: (event.actor as string) ?? null },
    })),
    'exflow.service': noEffect,
    'exflow.service.cancel': noEffect,
    'exflow.task.open': noEffect,
    'exflow.task.close': noEffect,
    'exflow.timer.schedule': noEffect,
    'exflow.timer.cancel': noEffect,
    'exflow.message.subscribe': noEffect,
    'exflow.message.unsubscribe': noEffect,
  },
});

/**
 * Builds the executable XState machine for a compiled flow. The runtime drives it with
 * `initialTransition` / `transition`; the designer's simulator does the same in the browser.
 * @example
 * const machine = createFlowMachine(flow);
 * const [snapshot, effects] = initialTransition(machine, { invoice });
 */
export function createFlowMachine(flow: CompiledFlow): AnyStateMachine {
  const closed = Object.keys(flow.outcomes).map((id) => stateIn(`#${id}`));
  return flowSetup
    .createMachine({
      ...(flow.machine as object),
      context: ({ input }: { input: CaseInput }) => initialCaseContext(input),
    } as Parameters<typeof flowSetup.createMachine>[0])
    .provide({ guards: { caseOpen: not(or(closed)) } });
}
