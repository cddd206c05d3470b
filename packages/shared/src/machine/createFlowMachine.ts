import { assign, not, or, setup, stateIn, type AnyStateMachine } from 'xstate';
import type { CompiledFlow } from '../compile/compile.js';
import type { BehaviourArgs, BehaviourParams } from '../nodes/behaviour.js';
import { nodeCatalogue } from '../nodes/catalogue.js';
import type { NodeKind } from '../nodes/defineNodeKind.js';
import { legacyBehaviour, versionedBehaviour } from '../nodes/kindVersions.js';
import { initialCaseContext, type CaseContext, type CaseEvent, type CaseInput } from './context.js';

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

/**
 * Builds the executable XState machine for a compiled flow. The runtime drives it with
 * `initialTransition` / `transition`; the designer's simulator does the same in the browser.
 * Guards and actions run the code of the node kind versions the flow was compiled with
 * (`flow.kindVersions`), so a published flow keeps its behaviour when a kind moves on.
 * @example
 * const machine = createFlowMachine(flow);
 * const [snapshot, effects] = initialTransition(machine, { invoice });
 */
export function createFlowMachine(flow: CompiledFlow, kinds: readonly NodeKind<unknown>[] = nodeCatalogue): AnyStateMachine {
  const closed = Object.keys(flow.outcomes).map((id) => stateIn(`#${id}`));
  const behaviour = flow.kindVersions ? versionedBehaviour(flow.kindVersions, kinds) : legacyBehaviour(kinds);
  const flowSetup = setup({
    types: {} as { context: CaseContext; events: CaseEvent; input: CaseInput },
    guards: {
      ...mapValues(behaviour.guards, (guard) => (args: BehaviourArgs, params: BehaviourParams) => guard(args, params)),
      caseOpen: not(or(closed)),
    },
    actions: {
      ...mapValues(behaviour.actions, (action) => assign((args: BehaviourArgs, params: BehaviourParams) => action(args, params))),
      countComment: assign(({ context }) => ({ comments: context.comments + 1 })),
      assignCancellation: assign(({ event }) => ({
        cancellation: { reason: String(event.reason ?? ''), by: (event.actor as string) ?? null },
      })),
      ...Object.fromEntries(EFFECT_ACTIONS.map((effect) => [effect, noEffect])),
    },
  });
  return flowSetup.createMachine({
    ...(flow.machine as object),
    context: ({ input }: { input: CaseInput }) => initialCaseContext(input),
  } as Parameters<typeof flowSetup.createMachine>[0]);
}

function mapValues<A, B>(record: Record<string, A>, f: (a: A) => B): Record<string, B> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}
