import { defineServiceNode } from './service.js';

export const missingPoCheck = defineServiceNode({
  kind: 'missingPoCheck',
  version: 1,
  service: 'missingPoCheck',
  label: 'PO check',
  description: 'Checks that the invoice names an existing purchase order of its supplier and currency; small invoices may pass as non-PO spend.',
  group: 'checks',
  icon: '∅',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      nonPoLimit: { type: 'number', minimum: 0, title: 'Accept without PO up to (gross amount)' },
    },
  },
  defaultParams: { nonPoLimit: 0 },
});
