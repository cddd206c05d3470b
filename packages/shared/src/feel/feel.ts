import { evaluate, parseExpression, parseUnaryTests, unaryTest } from 'feelin';

/** Where a FEEL text fails to parse, or `undefined` when it parses. */
export interface FeelSyntaxError {
  message: string;
  position: number;
}

function firstError(tree: ReturnType<typeof parseExpression>, text: string): FeelSyntaxError | undefined {
  let at: number | undefined;
  tree.iterate({
    enter(node) {
      if (at === undefined && node.type.isError) at = node.from;
    },
  });
  if (at === undefined) return undefined;
  return { message: `FEEL syntax error at position ${at + 1} in "${text}"`, position: at };
}

/**
 * Remembers the syntax verdict per text. Parsing is most of `validate`'s time and the same
 * conditions are checked again on every edit and by `compile`; the verdict of a text never
 * changes, so this cache is invisible except for speed (the one module-level state in shared).
 */
function memoised(check: (text: string) => FeelSyntaxError | undefined, max = 5000) {
  const verdicts = new Map<string, FeelSyntaxError | undefined>();
  return (text: string) => {
    if (verdicts.has(text)) return verdicts.get(text);
    const verdict = check(text);
    if (verdicts.size >= max) verdicts.delete(verdicts.keys().next().value!);
    verdicts.set(text, verdict);
    return verdict;
  };
}

const expressionVerdict = memoised((text) => firstError(parseExpression(text, {}, undefined), text));
const unaryTestsVerdict = memoised((text) => firstError(parseUnaryTests(text, {}, undefined), text));

/**
 * Checks that a FEEL expression parses, without evaluating it.
 * @example checkFeelExpression('match.priceVariancePct > 2') // undefined
 */
export function checkFeelExpression(text: string): FeelSyntaxError | undefined {
  if (text.trim() === '') return { message: 'FEEL expression is empty', position: 0 };
  return expressionVerdict(text);
}

/** Checks that a FEEL unary test (a decision-table input entry such as `> 2` or `-`) parses. */
export function checkFeelUnaryTests(text: string): FeelSyntaxError | undefined {
  if (text.trim() === '') return { message: 'FEEL unary test is empty (use "-" for any value)', position: 0 };
  return unaryTestsVerdict(text);
}

/**
 * Evaluates a FEEL expression against a context. Missing variables and evaluation errors give
 * `null`, as FEEL says.
 * @example evaluateFeel('invoice.gross > 1000', { invoice: { gross: 1200 } }) // true
 */
export function evaluateFeel(text: string, context: Record<string, unknown>): unknown {
  // feelin throws on a few texts its parser accepts (e.g. `x in >> 2`); a user's
  // expression must not be able to crash a transition.
  try {
    return evaluate(text, context).value;
  } catch {
    return null;
  }
}

/** True when the FEEL condition evaluates to exactly `true` (null and non-booleans are false). */
export function feelCondition(text: string, context: Record<string, unknown>): boolean {
  return evaluateFeel(text, context) === true;
}

/** Evaluates a FEEL unary test against an input value; one that cannot be evaluated does not match. */
export function feelUnaryTest(text: string, input: unknown, context: Record<string, unknown>): boolean {
  try {
    return unaryTest(text, { ...context, '?': input }).value === true;
  } catch {
    return false;
  }
}
