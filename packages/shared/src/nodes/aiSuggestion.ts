import { neverAutomatic, type AiGateStep } from '../ai/gate.js';
import type { FlowNode } from '../definition/types.js';
import { assignServiceResult, fromNode, type KindAction, type KindGuard } from './behaviour.js';
import { defineNodeKind, type StateConfig } from './defineNodeKind.js';
import type { HumanTaskConfig } from './humanTask.js';

export interface AiSuggestionConfig {
  /** Confidence needed per exception kind (0..1), e.g. `{ priceVariance: 0.85 }`. */
  thresholds?: Record<string, number>;
  /** Confidence needed for other kinds. Default 0.9. */
  defaultThreshold?: number;
  /** The flow allows completing the next step as the system (the tenant policy must allow it too). */
  autoResolve?: boolean;
  /** Name under which the suggestion is kept. Default: the node id. */
  resultVar?: string;
}

/** The service the runtime registers for this node (local: it runs in the transition's transaction). */
export const AI_SUGGESTION_SERVICE = 'aiSuggestion';

/** The gate facts of a human step, as the compiler passes them to the runtime's service. */
export function aiGateStep(step: FlowNode): AiGateStep {
  const config = step.config as unknown as HumanTaskConfig;
  return { outcomes: config.outcomes.map((o) => o.id), approval: Boolean(config.approval), queue: config.queue, title: config.title };
}

/**
 * An AI suggestion step, placed right before a human step (its one edge leads to it): on entry
 * it asks the tenant's model for the likely outcome of that step and records it. Above the
 * threshold the task opens pre-filled; where the node and the tenant policy allow it (and the
 * amount is under the tenant's limit) a non-payment, non-approval step is completed as the
 * system instead; below it the suggestion is advice. A missing model or a failed call passes
 * the case on to the step with no suggestion (docs/ai.md).
 */
/** The gate answered `auto` with this outcome: the step completes the human step after it. */
const aiAutoResolve: KindGuard = ({ event }, params) => {
  const result = event.result as { mode?: unknown; outcome?: unknown } | null | undefined;
  return event.nodeId === params.nodeId && result?.mode === 'auto' && result.outcome === params.outcome;
};

/** Records the human step after it as decided by the system (gate mode `auto`). */
const assignAiDecision: KindAction = ({ context, event }, params) => {
  const result = event.result as { outcome: string; suggestionId?: string };
  const decided = { outcome: result.outcome, data: { aiSuggestionId: result.suggestionId ?? null }, by: 'system' };
  return { tasks: { ...context.tasks, [params.nodeId]: decided }, vars: { ...context.vars, [params.resultVar]: decided } };
};

export const aiSuggestion = defineNodeKind<AiSuggestionConfig>({
  kind: 'aiSuggestion',
  version: 1,
  behaviour: { guards: { aiAutoResolve, fromNode }, actions: { assignServiceResult, assignAiDecision } },
  label: 'AI suggestion',
  description:
    'Asks the model for the likely outcome of the next human step: pre-fills the task above the confidence threshold, advice below it. Never completes payment releases or approvals.',
  group: 'people',
  icon: '✦',
  inputs: 'many',
  outputs: () => [{ id: 'next', label: 'to the step', required: true }],
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      thresholds: {
        type: 'object',
        title: 'Confidence needed per exception kind (0 to 1)',
        additionalProperties: { type: 'number', minimum: 0, maximum: 1 },
      },
      defaultThreshold: { type: 'number', minimum: 0, maximum: 1, title: 'Confidence needed (other kinds)' },
      autoResolve: { type: 'boolean', title: 'May complete non-payment decisions (where the tenant policy allows)' },
      resultVar: { type: 'string', title: 'Keep the suggestion as', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    },
  },
  defaults: { defaultThreshold: 0.9, autoResolve: false },
  compile: (node, config, ctx) => {
    const next = ctx.target('next');
    const forStep = ctx.edgesOut[0] ? ctx.node(ctx.edgesOut[0].target) : undefined;
    const resultVar = config.resultVar ?? node.id;
    const step = forStep?.kind === 'humanTask' ? aiGateStep(forStep) : undefined;
    const stepConfig = forStep?.config as unknown as HumanTaskConfig | undefined;
    // completing the step is compiled only where it may ever happen: the machine cannot skip a
    // payment release or an approval whatever the service answers
    const auto: StateConfig[] =
      forStep && step && config.autoResolve && neverAutomatic(step) === null
        ? step.outcomes
            .map((outcome) => ({ outcome, target: ctx.targetFrom(forStep.id, outcome) }))
            .filter((o) => o.target !== undefined)
            .map(({ outcome, target }) => ({
              guard: { type: 'aiAutoResolve', params: { nodeId: node.id, outcome } },
              target,
              actions: [
                { type: 'assignServiceResult', params: { nodeId: node.id, resultVar } },
                { type: 'assignAiDecision', params: { nodeId: forStep.id, resultVar: stepConfig?.resultVar ?? forStep.id } },
              ],
            }))
        : [];
    return {
      entry: [
        {
          type: 'exflow.service',
          params: {
            nodeId: node.id,
            service: AI_SUGGESTION_SERVICE,
            params: {
              forStep: forStep?.id ?? null,
              step: step ?? null,
              thresholds: config.thresholds ?? {},
              defaultThreshold: config.defaultThreshold ?? null,
              autoResolve: config.autoResolve === true,
            },
            retry: { maximumAttempts: 2 },
            onFailure: 'error-edge',
          },
        },
      ],
      exit: [{ type: 'exflow.service.cancel', params: { nodeId: node.id } }],
      on: {
        'service.done': [
          ...auto,
          {
            guard: { type: 'fromNode', params: { nodeId: node.id } },
            target: next,
            actions: [{ type: 'assignServiceResult', params: { nodeId: node.id, resultVar } }],
          },
        ],
        // no model, no suggestion: the step goes on as if the node were not there
        'service.failed': { guard: { type: 'fromNode', params: { nodeId: node.id } }, target: next },
      },
    };
  },
});
