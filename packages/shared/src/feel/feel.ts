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

/** What separates the words of a FEEL name: spaces and the symbols a name may hold (lezer-feel's `normalizeContextKey`). */
const NAME_SEPARATORS = /[\s./\-'+*]+/;
const wordsOf = new Map<string, string[]>();

/** The words of a context key; the text must hold every one of them to name the key. */
function keyWords(key: string): string[] {
  let words = wordsOf.get(key);
  if (!words) {
    words = key.split(NAME_SEPARATORS).filter(Boolean);
    if (wordsOf.size >= 5000) wordsOf.clear();
    wordsOf.set(key, words);
  }
  return words;
}

/**
 * The entries of a context that an expression can name: those whose key's every word occurs in
 * the text (a key of no words is kept). FEEL reads a context entry only by its name written in
 * the expression (no construct lists or looks up the top-level context), and lezer-feel's parser
 * consults a key only when its whole name, word by word, is in the text; so the others change
 * neither the parse nor the value. feelin copies the context it is given (deeply, to convert
 * dates) and its parser walks it: for `match.withinTolerance = true` against a case's whole
 * context (the invoice, its lines, triage's findings, every result) that was most of the time of
 * an evaluation (docs/benchmarks.md, perf stop 4).
 */
function namedIn(text: string, context: Record<string, unknown>): Record<string, unknown> {
  if (Object.getPrototypeOf(context) !== Object.prototype) return context;
  const keys = Object.keys(context);
  const named = keys.filter((key) => keyWords(key).every((word) => text.includes(word)));
  return named.length === keys.length ? context : Object.fromEntries(named.map((key) => [key, context[key]]));
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
    return evaluate(text, namedIn(text, context)).value;
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
