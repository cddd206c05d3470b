import { evaluateFeel, feelUnaryTest } from './feel.js';

export interface DecisionTableSpec {
  hitPolicy: 'FIRST' | 'UNIQUE' | 'COLLECT';
  inputs: string[];
  outputs: string[];
  rules: { when: string[]; then: string[] }[];
}

/** What a decision table decided: its value, and the rules that matched (for the audit). */
export interface DecisionTableResult {
  value: unknown;
  matchedRules: number[];
  error?: string;
}

/**
 * Evaluates a DMN-style decision table with FEEL inputs, unary tests and output expressions.
 * One output column gives its value; several give an object; COLLECT gives a list.
 * @example
 * decide({ hitPolicy: 'FIRST', inputs: ['amount'], outputs: ['queue'],
 *   rules: [{ when: ['> 1000'], then: ['"controller"'] }, { when: ['-'], then: ['"ap"'] }] },
 *   { amount: 5000 }).value // 'controller'
 */
export function decide(table: DecisionTableSpec, context: Record<string, unknown>): DecisionTableResult {
  const inputValues = table.inputs.map((expression) => evaluateFeel(expression, context));
  const matchedRules = table.rules.flatMap((rule, index) =>
    rule.when.every((test, i) => test.trim() === '-' || feelUnaryTest(test, inputValues[i], context)) ? [index] : [],
  );
  const output = (index: number) => {
    const values = table.rules[index].then.map((expression) => evaluateFeel(expression, context));
    if (table.outputs.length === 1) return values[0];
    return Object.fromEntries(table.outputs.map((name, i) => [name, values[i]]));
  };
  switch (table.hitPolicy) {
    case 'COLLECT':
      return { value: matchedRules.map(output), matchedRules };
    case 'UNIQUE':
      if (matchedRules.length > 1) {
        return { value: null, matchedRules, error: `UNIQUE hit policy: rules ${matchedRules.map((i) => i + 1).join(', ')} all match` };
      }
      return { value: matchedRules.length ? output(matchedRules[0]) : null, matchedRules };
    case 'FIRST':
      return { value: matchedRules.length ? output(matchedRules[0]) : null, matchedRules: matchedRules.slice(0, 1) };
  }
}
