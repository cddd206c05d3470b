import { checkFeelExpression } from '../feel/feel.js';
import { durationToMs } from '../time/duration.js';
import { assignMessage, messageFor, timerIs } from './behaviour.js';
import { defineNodeKind } from './defineNodeKind.js';

export interface WaitForMessageConfig {
  /** The message waited for: a name a sender uses (`goods.received`), the CloudEvent `type` when it comes as one. */
  message: string;
  /** FEEL over the case, evaluated when the case reaches the step (e.g. `invoice.poNumber`); a message must carry the same value. */
  correlationKey: string;
  /** ISO 8601 duration after which the `timeout` edge is taken when no message came (durable, like a timer). */
  timeout?: string;
  /** Name under which the message's payload is kept for later steps. Default: the node id. */
  resultVar?: string;
}

/** Id of the durable timer of a wait-for-message step's timeout. */
export const messageTimeoutId = (nodeId: string): string => `${nodeId}:timeout`;

/**
 * A step that waits for a message from the outside world ("goods received", "ERP posted"),
 * correlated to the case by a key. On entry the runtime records a subscription (message name,
 * correlation value) in the transition's own statement; a message sent to
 * `POST /api/v1/messages` or as a CloudEvent arrives as `message.received` and its payload is
 * kept as `vars[resultVar]`. A message that came before the case waited is buffered for its TTL.
 * @example
 * { id: 'goods', kind: 'waitForMessage', config: { message: 'goods.received', correlationKey: 'invoice.poNumber', timeout: 'P5D' } }
 */
export const waitForMessage = defineNodeKind<WaitForMessageConfig>({
  kind: 'waitForMessage',
  version: 1,
  behaviour: { guards: { messageFor, timerIs }, actions: { assignMessage } },
  label: 'Wait for message',
  description: 'Waits for a message or CloudEvent from another system (goods received, ERP posted, supplier replied), matched by a key such as the PO number.',
  group: 'integration',
  icon: '✉',
  inputs: 'many',
  outputs: (config) => [
    { id: 'out', label: 'received', required: true },
    ...(config.timeout ? [{ id: 'timeout', label: 'no message in time', required: false }] : []),
  ],
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['message', 'correlationKey'],
    properties: {
      message: { type: 'string', title: 'Message name (CloudEvent type)', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]*$' },
      correlationKey: { type: 'string', title: 'Correlation key (FEEL, e.g. invoice.poNumber)', minLength: 1, maxLength: 500, format: 'feel' },
      timeout: { type: 'string', title: 'Give up after (ISO 8601, e.g. P5D)', pattern: '^P' },
      resultVar: { type: 'string', title: 'Keep the message as', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    },
  },
  defaults: { message: 'goods.received', correlationKey: 'invoice.poNumber' },
  check: (node, config) => [
    ...(config.correlationKey && checkFeelExpression(config.correlationKey)
      ? [
          {
            code: 'feel.syntax',
            message: `Correlation key: ${checkFeelExpression(config.correlationKey)!.message}`,
            nodeId: node.id,
            path: '/config/correlationKey',
          },
        ]
      : []),
    ...(config.timeout && durationToMs(config.timeout) === undefined
      ? [
          {
            code: 'duration.invalid',
            message: `Timeout "${config.timeout}" is not an ISO 8601 duration like PT4H or P2D`,
            nodeId: node.id,
            params: { value: config.timeout },
            path: '/config/timeout',
          },
        ]
      : []),
  ],
  compile: (node, config, ctx) => {
    const timerId = messageTimeoutId(node.id);
    const timeout = config.timeout ? ctx.target('timeout') : undefined;
    return {
      entry: [
        { type: 'exflow.message.subscribe', params: { nodeId: node.id, message: config.message, correlationKey: config.correlationKey } },
        ...(timeout ? [{ type: 'exflow.timer.schedule', params: { nodeId: node.id, timerId, dueIn: config.timeout } }] : []),
      ],
      exit: [
        { type: 'exflow.message.unsubscribe', params: { nodeId: node.id } },
        ...(timeout ? [{ type: 'exflow.timer.cancel', params: { nodeId: node.id } }] : []),
      ],
      on: {
        'message.received': {
          guard: { type: 'messageFor', params: { nodeId: node.id, message: config.message } },
          target: ctx.target('out'),
          actions: [{ type: 'assignMessage', params: { resultVar: config.resultVar ?? node.id } }],
        },
        ...(timeout ? { 'timer.fired': { guard: { type: 'timerIs', params: { timerId } }, target: timeout } } : {}),
      },
    };
  },
});
