import { checkFeelExpression, feelCondition } from '../feel/feel.js';
import { feelContext } from '../machine/context.js';
import type { KindGuard } from './behaviour.js';
import { defineNodeKind } from './defineNodeKind.js';

export interface DecisionBranch {
  id: string;
  label: string;
  condition: string;
}

export interface DecisionConfig {
  branches: DecisionBranch[];
}

/** A branch's FEEL condition holds for the case. */
const feel: KindGuard = ({ context }, params) => feelCondition(params.expression, feelContext(context));

export const decision = defineNodeKind<DecisionConfig>({
  kind: 'decision',
  version: 1,
  behaviour: { guards: { feel } },
  label: 'Decision',
  description: 'Routes the case down the first branch whose condition holds, else the default.',
  group: 'logic',
  icon: '◆',
  inputs: 'many',
  outputs: (config) => [
    ...(config.branches ?? []).map((b) => ({ id: b.id, label: b.label || b.condition, required: true })),
    { id: 'default', label: 'otherwise', required: true },
  ],
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['branches'],
    properties: {
      branches: {
        type: 'array',
        title: 'Branches (checked in order)',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'condition'],
          properties: {
            id: { type: 'string', title: 'Port id', maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' },
            label: { type: 'string', title: 'Label' },
            condition: { type: 'string', title: 'Condition (FEEL)', format: 'feel' },
          },
        },
      },
    },
  },
  defaults: { branches: [{ id: 'b1', label: 'yes', condition: 'true' }] },
  check: (node, config) =>
    (config.branches ?? []).flatMap((branch, i) => {
      const error = checkFeelExpression(branch.condition);
      return error
        ? [
            {
              code: 'feel.syntax',
              message: `Branch "${branch.label || branch.id}": ${error.message}`,
              nodeId: node.id,
              path: `/config/branches/${i}/condition`,
            },
          ]
        : [];
    }),
  compile: (_node, config, ctx) => ({
    always: [
      ...config.branches.map((b) => ({ guard: { type: 'feel', params: { expression: b.condition } }, target: ctx.target(b.id) })),
      { target: ctx.target('default') },
    ],
  }),
});
