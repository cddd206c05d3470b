import { defineServiceNode } from './service.js';

export const supplierCheck = defineServiceNode({
  kind: 'supplierCheck',
  version: 1,
  service: 'supplierCheck',
  label: 'Supplier check',
  description: 'Compares the supplier with master data: unknown supplier, tax id, bank account on the invoice, and recent bank account changes (fraud risk).',
  group: 'checks',
  icon: '⚑',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      recentChangeDays: { type: 'integer', minimum: 0, maximum: 3650, title: 'Bank account change counts as recent within (days)' },
    },
  },
  defaultParams: { recentChangeDays: 30 },
});
