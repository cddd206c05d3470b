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
  },
} as const;
