import { defineServiceNode } from './service.js';

export const duplicateCheck = defineServiceNode({
  kind: 'duplicateCheck',
  version: 1,
  service: 'duplicateCheck',
  label: 'Duplicate check',
  description: 'Looks for the same invoice among earlier ones: same supplier and number, or same amount, close dates and a near-identical number.',
  group: 'checks',
  icon: '⧉',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      windowDays: { type: 'integer', minimum: 0, maximum: 366, title: 'Same amount within (days)' },
      maxEditDistance: { type: 'integer', minimum: 0, maximum: 5, title: 'Invoice numbers at most this many edits apart' },
    },
  },
  defaultParams: { windowDays: 14, maxEditDistance: 2 },
});
