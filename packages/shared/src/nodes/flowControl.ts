import { defineNodeKind } from './defineNodeKind.js';

/** Runs every outgoing branch at once; the branches meet again at a join. */
export const parallel = defineNodeKind<{ branches: number }>({
  kind: 'parallel',
  version: 1,
  label: 'In parallel',
  description: 'Starts several branches at once; they meet again at a Join.',
  group: 'flow',
  icon: '⫼',
  inputs: 'many',
  outputs: (config) => Array.from({ length: Math.max(2, config.branches ?? 2) }, (_, i) => ({ id: `b${i + 1}`, label: `branch ${i + 1}`, required: true })),
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { branches: { type: 'integer', minimum: 2, maximum: 10, title: 'Branches' } },
  },
  defaults: { branches: 2 },
  // compiled by the compiler itself: its branches become XState parallel regions
});

/** Waits until every branch of the matching parallel node has arrived. */
export const join = defineNodeKind<Record<string, never>>({
  kind: 'join',
  version: 1,
  label: 'Join',
  description: 'Waits for every parallel branch, then goes on.',
  group: 'flow',
  icon: '⫸',
  inputs: 'many',
  outputs: () => [{ id: 'out', label: 'then', required: true }],
  configSchema: { type: 'object', additionalProperties: false, properties: {} },
  defaults: {},
  compile: (_node, _config, ctx) => ({ always: { target: ctx.target('out') } }),
});

export type EndOutcome = 'resolved' | 'rejected' | 'cancelled';

/** A final state: the case closes with this outcome. */
export const end = defineNodeKind<{ outcome: EndOutcome }>({
  kind: 'end',
  version: 1,
  label: 'End',
  description: 'Closes the case as resolved, rejected or cancelled.',
  group: 'end',
  icon: '■',
  inputs: 'many',
  outputs: () => [],
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['outcome'],
    properties: { outcome: { enum: ['resolved', 'rejected', 'cancelled'], title: 'Outcome' } },
  },
  defaults: { outcome: 'resolved' },
  compile: () => ({ type: 'final' }),
});
