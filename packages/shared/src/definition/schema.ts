/**
 * The JSON Schema every workflow definition must satisfy (draft 2020-12 subset that ajv checks).
 * Node `config` is checked separately against the node kind's own schema from the catalogue.
 */
export const definitionSchema = {
  $id: 'https://exflow.dev/schemas/workflow-definition.json',
  type: 'object',
  additionalProperties: false,
  required: ['schemaVersion', 'key', 'name', 'nodes', 'edges'],
  properties: {
    schemaVersion: { const: 1 },
    key: { type: 'string', maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 4000 },
    nodes: {
      type: 'array',
      maxItems: 5000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'kind'],
        properties: {
          id: { type: 'string', maxLength: 64, pattern: '^(?!__)[A-Za-z_][A-Za-z0-9_-]{0,63}$' },
          kind: { type: 'string', maxLength: 64 },
          label: { type: 'string', maxLength: 200 },
          position: {
            type: 'object',
            required: ['x', 'y'],
            additionalProperties: false,
            properties: { x: { type: 'number' }, y: { type: 'number' } },
          },
          config: { type: 'object' },
        },
      },
    },
    edges: {
      type: 'array',
      maxItems: 10000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'source', 'target'],
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 100 },
          source: { type: 'string', maxLength: 64 },
          target: { type: 'string', maxLength: 64 },
          sourcePort: { type: 'string', maxLength: 100 },
          label: { type: 'string', maxLength: 200 },
        },
      },
    },
    testCases: {
      description: 'Saved test cases (pinned data): invoice, reference data, answers for human steps, expected route.',
      type: 'array',
      maxItems: 200,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'invoice', 'expect'],
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 64 },
          name: { type: 'string', minLength: 1, maxLength: 200 },
          invoice: { type: 'object' },
          reference: {
            type: 'object',
            properties: {
              suppliers: { type: 'array', maxItems: 1000, items: { type: 'object' } },
              purchaseOrders: { type: 'array', maxItems: 1000, items: { type: 'object' } },
              goodsReceipts: { type: 'array', maxItems: 5000, items: { type: 'object' } },
              taxRates: { type: 'array', maxItems: 1000, items: { type: 'object' } },
              earlierInvoices: { type: 'array', maxItems: 1000, items: { type: 'object' } },
            },
          },
          steps: {
            type: 'array',
            maxItems: 100,
            items: {
              type: 'object',
              additionalProperties: false,
              properties: {
                complete: { type: 'string', maxLength: 64 },
                outcome: { type: 'string', maxLength: 100 },
                data: { type: 'object' },
                timeout: { type: 'string', maxLength: 64 },
              },
            },
          },
          services: { type: 'object' },
          expect: {
            type: 'object',
            additionalProperties: false,
            required: ['route'],
            properties: {
              route: { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 64 } },
              outcome: { enum: ['resolved', 'rejected', 'cancelled', 'failed', 'open'] },
            },
          },
        },
      },
    },
  },
} as const;
