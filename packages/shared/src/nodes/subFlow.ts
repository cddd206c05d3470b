import { assignMessage, assignServiceError, assignServiceResult, fromNode, messageFor, type KindGuard } from './behaviour.js';
import { defineNodeKind } from './defineNodeKind.js';

export interface SubFlowConfig {
  /** Key of the published flow to call (its latest version when the step is reached, unless `version` is set). */
  flow: string;
  /** A fixed published version of that flow. */
  version?: number;
  /** Name under which the child case's result (case id, outcome, variables) is kept. Default: the node id. */
  resultVar?: string;
}

/** The message a finished child case sends its parent (correlated by the child case's id). */
export const SUBFLOW_COMPLETED = 'exflow.subflow.completed';
/** The runtime service that opens the child case (through the effect outbox, so it is retried and done once). */
export const SUBFLOW_SERVICE = 'exflow.subflow';

/**
 * Calls another published flow as a child case (Camunda's call activity), e.g. a shared
 * approval chain: on entry the runtime opens the child case for the same invoice through the
 * outbox (once, whatever the retries); the step then waits for the child to finish and goes on
 * along `rejected` when the child ended rejected (and that edge exists), else along `done`.
 * The child has its own history; `vars[resultVar]` gets `{ caseId, outcome, status, vars }`.
 * @example
 * { id: 'approve', kind: 'subFlow', config: { flow: 'approval-chain' } }
 */
/** A sub-flow's completion message for this step, with the child case's outcome `params.outcome`. */
const messageOutcome: KindGuard = ({ event }, params) =>
  event.nodeId === params.nodeId && event.name === params.message && (event.payload as { outcome?: unknown } | undefined)?.outcome === params.outcome;

export const subFlow = defineNodeKind<SubFlowConfig>({
  kind: 'subFlow',
  version: 1,
  behaviour: { guards: { fromNode, messageFor, messageOutcome }, actions: { assignServiceResult, assignServiceError, assignMessage } },
  label: 'Sub-flow',
  description: 'Runs another published flow (for example a shared approval chain) as a child case and waits for its outcome.',
  group: 'integration',
  icon: '⧉',
  inputs: 'many',
  outputs: () => [
    { id: 'done', label: 'done', required: true },
    { id: 'rejected', label: 'child rejected', required: false },
    { id: 'error', label: 'could not start', required: false },
  ],
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['flow'],
    properties: {
      flow: { type: 'string', title: 'Flow (key)', minLength: 1, maxLength: 200, pattern: '^[a-z0-9][a-z0-9-]*$' },
      version: { type: 'integer', title: 'Version (empty: the latest published)', minimum: 1 },
      resultVar: { type: 'string', title: 'Keep the result as', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    },
  },
  defaults: { flow: '' },
  // the result is read back by a FEEL path (`<resultVar>.caseId`): it must be a FEEL name
  check: (node, config) =>
    !config.resultVar && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(node.id)
      ? [
          {
            code: 'subflow.result-name',
            message: `Step id "${node.id}" is not a name FEEL can read: set "Keep the result as"`,
            nodeId: node.id,
            params: { id: node.id },
            path: '/config/resultVar',
          },
        ]
      : [],
  compile: (node, config, ctx) => {
    const resultVar = config.resultVar ?? node.id;
    const rejected = ctx.target('rejected');
    return {
      entry: [
        {
          type: 'exflow.service',
          params: {
            nodeId: node.id,
            service: SUBFLOW_SERVICE,
            params: { flow: config.flow, ...(config.version ? { version: config.version } : {}) },
            onFailure: ctx.target('error') ? 'error-edge' : 'incident',
          },
        },
      ],
      exit: [
        { type: 'exflow.service.cancel', params: { nodeId: node.id } },
        { type: 'exflow.message.unsubscribe', params: { nodeId: node.id } },
      ],
      on: {
        // the child is open: wait for its completion message, correlated by its case id
        'service.done': {
          guard: { type: 'fromNode', params: { nodeId: node.id } },
          actions: [
            { type: 'assignServiceResult', params: { nodeId: node.id, resultVar } },
            { type: 'exflow.message.subscribe', params: { nodeId: node.id, message: SUBFLOW_COMPLETED, correlationKey: `${resultVar}.caseId` } },
          ],
        },
        'service.failed': {
          guard: { type: 'fromNode', params: { nodeId: node.id } },
          target: ctx.target('error') ?? ctx.failedTarget,
          actions: [{ type: 'assignServiceError', params: { nodeId: node.id } }],
        },
        'message.received': [
          ...(rejected
            ? [
                {
                  guard: { type: 'messageOutcome', params: { nodeId: node.id, message: SUBFLOW_COMPLETED, outcome: 'rejected' } },
                  target: rejected,
                  actions: [{ type: 'assignMessage', params: { resultVar } }],
                },
              ]
            : []),
          {
            guard: { type: 'messageFor', params: { nodeId: node.id, message: SUBFLOW_COMPLETED } },
            target: ctx.target('done'),
            actions: [{ type: 'assignMessage', params: { resultVar } }],
          },
        ],
      },
    };
  },
});
