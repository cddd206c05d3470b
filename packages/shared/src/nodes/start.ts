import { checkFeelExpression } from '../feel/feel.js';
import { defineNodeKind } from './defineNodeKind.js';

export interface StartConfig {
  /** FEEL condition on the incoming invoice: when this flow is chosen for it. Empty: always. */
  trigger?: string;
}

export const start = defineNodeKind<StartConfig>({
  kind: 'start',
  version: 1,
  label: 'Invoice received',
  description: 'Where every case begins: the invoice exception that opened it.',
  group: 'flow',
  icon: '▶',
  inputs: 'none',
  outputs: () => [{ id: 'out', label: 'next', required: true }],
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      trigger: {
        type: 'string',
        title: 'Start this flow when (FEEL)',
        description: 'Condition on the invoice, e.g. invoice.poNumber != null. Empty: every invoice.',
        format: 'feel',
      },
    },
  },
  defaults: {},
  check: (node, config) => {
    if (!config.trigger) return [];
    const error = checkFeelExpression(config.trigger);
    return error ? [{ code: 'feel.syntax', message: `Start trigger: ${error.message}`, nodeId: node.id, path: '/config/trigger' }] : [];
  },
  compile: (_node, _config, ctx) => ({ always: { target: ctx.target('out') } }),
});
