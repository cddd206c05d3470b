import { defineServiceNode } from './service.js';

export const taxCheck = defineServiceNode({
  kind: 'taxCheck',
  version: 1,
  service: 'taxCheck',
  label: 'Tax check',
  description: 'Recomputes line tax, header tax and totals with a rounding tolerance, and checks each VAT rate against the supplier country.',
  group: 'checks',
  icon: '%',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      lineTolerance: { type: 'number', minimum: 0, title: 'Tolerance per line (amount)' },
      headerTolerance: { type: 'number', minimum: 0, title: 'Tolerance on totals (amount)' },
      checkRates: { type: 'boolean', title: 'Check rates against the supplier country' },
    },
  },
  defaultParams: { lineTolerance: 0.01, headerTolerance: 0.01, checkRates: true },
});
