import { durationToMs } from '../time/duration.js';
import { timerIs } from './behaviour.js';
import { defineNodeKind } from './defineNodeKind.js';

export interface TimerConfig {
  /** ISO 8601 duration to wait, e.g. P2D. */
  duration: string;
}

export const timer = defineNodeKind<TimerConfig>({
  kind: 'timer',
  version: 1,
  behaviour: { guards: { timerIs } },
  label: 'Wait',
  description: 'Waits for a period (durable: it survives restarts), then goes on.',
  group: 'flow',
  icon: '⏱',
  inputs: 'many',
  outputs: () => [{ id: 'out', label: 'then', required: true }],
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['duration'],
    properties: { duration: { type: 'string', title: 'Wait for (ISO 8601, e.g. P2D)', pattern: '^P' } },
  },
  defaults: { duration: 'P1D' },
  check: (node, config) =>
    durationToMs(config.duration ?? '') === undefined
      ? [
          {
            code: 'duration.invalid',
            message: `Wait "${config.duration}" is not an ISO 8601 duration like PT4H or P2D`,
            nodeId: node.id,
            params: { value: String(config.duration) },
            path: '/config/duration',
          },
        ]
      : [],
  compile: (node, config, ctx) => ({
    entry: [{ type: 'exflow.timer.schedule', params: { nodeId: node.id, timerId: node.id, dueIn: config.duration } }],
    exit: [{ type: 'exflow.timer.cancel', params: { nodeId: node.id } }],
    on: { 'timer.fired': { guard: { type: 'timerIs', params: { timerId: node.id } }, target: ctx.target('out') } },
  }),
});
