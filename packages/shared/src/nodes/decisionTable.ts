import { checkFeelExpression, checkFeelUnaryTests } from '../feel/feel.js';
import type { ValidationProblem } from '../definition/types.js';
import { decide, type DecisionTableSpec } from '../feel/decisionTable.js';
import { feelContext } from '../machine/context.js';
import type { KindAction } from './behaviour.js';
import { defineNodeKind } from './defineNodeKind.js';

export type HitPolicy = 'FIRST' | 'UNIQUE' | 'COLLECT';

export interface DecisionTableConfig {
  hitPolicy: HitPolicy;
  /** FEEL expressions whose values the rules test, e.g. `match.priceVariancePct`. */
  inputs: { label?: string; expression: string }[];
  /** Names of the output columns. */
  outputs: { name: string }[];
  /** One unary test per input, one FEEL expression per output. */
  rules: { when: string[]; then: string[] }[];
  /** Name under which the result is kept. Default: the node id. */
  resultVar?: string;
}

/** Decides the table (its params are the whole spec) and keeps the result under its name. */
const decideTable: KindAction = ({ context }, params) => ({
  vars: { ...context.vars, [params.resultVar]: decide(params as unknown as DecisionTableSpec, feelContext(context)).value },
});

export const decisionTable = defineNodeKind<DecisionTableConfig>({
  kind: 'decisionTable',
  version: 1,
  behaviour: { actions: { decideTable } },
  label: 'Decision table',
  description: 'Looks a result up in a table of rules (DMN hit policy FIRST, UNIQUE or COLLECT).',
  group: 'logic',
  icon: '▦',
  inputs: 'many',
  outputs: () => [{ id: 'out', label: 'then', required: true }],
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['hitPolicy', 'inputs', 'outputs', 'rules'],
    properties: {
      hitPolicy: { enum: ['FIRST', 'UNIQUE', 'COLLECT'], title: 'Hit policy' },
      inputs: {
        type: 'array',
        title: 'Inputs',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['expression'],
          properties: { label: { type: 'string' }, expression: { type: 'string', format: 'feel' } },
        },
      },
      outputs: {
        type: 'array',
        title: 'Outputs',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: { name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } },
        },
      },
      rules: {
        type: 'array',
        title: 'Rules',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['when', 'then'],
          properties: {
            when: { type: 'array', items: { type: 'string' } },
            then: { type: 'array', items: { type: 'string' } },
          },
        },
      },
      resultVar: { type: 'string', title: 'Keep the result as', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    },
  },
  defaults: {
    hitPolicy: 'FIRST',
    inputs: [{ label: 'Invoice total', expression: 'invoice.grossTotal' }],
    outputs: [{ name: 'queue' }],
    rules: [
      { when: ['> 10000'], then: ['"controller"'] },
      { when: ['-'], then: ['"ap-review"'] },
    ],
  },
  check: (node, config) => {
    const problems: ValidationProblem[] = [];
    const at = (path: string, message: string) => problems.push({ code: 'feel.syntax', message, nodeId: node.id, path: `/config/${path}` });
    (config.inputs ?? []).forEach((input, i) => {
      const e = checkFeelExpression(input.expression);
      if (e) at(`inputs/${i}/expression`, `Input ${i + 1}: ${e.message}`);
    });
    (config.rules ?? []).forEach((rule, r) => {
      if (rule.when.length !== config.inputs.length || rule.then.length !== config.outputs.length) {
        problems.push({
          code: 'decisionTable.shape',
          message: `Rule ${r + 1} has ${rule.when.length} tests and ${rule.then.length} results; the table has ${config.inputs.length} inputs and ${config.outputs.length} outputs`,
          nodeId: node.id,
          params: { rule: r + 1, tests: rule.when.length, results: rule.then.length, inputs: config.inputs.length, outputs: config.outputs.length },
          path: `/config/rules/${r}`,
        });
      }
      rule.when.forEach((test, i) => {
        const e = checkFeelUnaryTests(test);
        if (e) at(`rules/${r}/when/${i}`, `Rule ${r + 1}, input ${i + 1}: ${e.message}`);
      });
      rule.then.forEach((expr, i) => {
        const e = checkFeelExpression(expr);
        if (e) at(`rules/${r}/then/${i}`, `Rule ${r + 1}, output ${i + 1}: ${e.message}`);
      });
    });
    return problems;
  },
  compile: (node, config, ctx) => ({
    entry: [
      {
        type: 'decideTable',
        params: {
          nodeId: node.id,
          resultVar: config.resultVar ?? node.id,
          hitPolicy: config.hitPolicy,
          inputs: config.inputs.map((i) => i.expression),
          outputs: config.outputs.map((o) => o.name),
          rules: config.rules,
        },
      },
    ],
    always: { target: ctx.target('out') },
  }),
});
