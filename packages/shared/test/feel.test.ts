import { evaluate } from 'feelin';
import { describe, expect, it } from 'vitest';
import { checkFeelExpression, checkFeelUnaryTests, decide, evaluateFeel, feelCondition, type DecisionTableSpec } from '../src/index.js';

describe('checkFeelExpression', () => {
  it.each([
    'invoice.grossTotal > 1000',
    'match.withinTolerance = true and invoice.poNumber != null',
    'count(invoice.lines) > 0',
    'x in [1..3]',
    'if a then "b" else "c"',
  ])('accepts %s', (text) => {
    expect(checkFeelExpression(text)).toBeUndefined();
  });

  it.each([
    ['a >', 3],
    ['1 +', 3],
    ['(1 + 2', 6],
    ['foo(', 4],
    ['"unterminated', 0],
  ])('rejects %s at position %i, and says where (1-based) in the message', (text, position) => {
    const error = checkFeelExpression(text);
    expect(error).toEqual({ position, message: `FEEL syntax error at position ${position + 1} in "${text}"` });
  });

  it('rejects empty text', () => {
    expect(checkFeelExpression('  ')).toEqual({ position: 0, message: 'FEEL expression is empty' });
  });
});

describe('checkFeelUnaryTests', () => {
  it.each(['-', '> 10', '>= 5', '> 10, < 2', '[1..5]', 'not(1)', '"EUR","USD"'])('accepts %s', (text) => {
    expect(checkFeelUnaryTests(text)).toBeUndefined();
  });

  it.each([
    ['>', 1],
    ['< ', 2],
    ['1 ..', 2],
  ])('rejects %s at position %i', (text, position) => {
    expect(checkFeelUnaryTests(text)?.position).toBe(position);
  });

  it('rejects empty text and says to use "-"', () => {
    expect(checkFeelUnaryTests('')?.message).toContain('"-"');
  });
});

describe('evaluateFeel and feelCondition', () => {
  it('reads nested context values', () => {
    expect(evaluateFeel('invoice.gross * 2', { invoice: { gross: 21 } })).toBe(42);
  });

  it('gives null for missing variables and for text feelin cannot evaluate', () => {
    expect(evaluateFeel('missing.thing', {})).toBeNull();
    expect(evaluateFeel('x in >> 2', { x: 3 })).toBeNull();
  });

  it('holds only for exactly true', () => {
    expect(feelCondition('x', { x: true })).toBe(true);
    expect(feelCondition('x > 1', { x: 2 })).toBe(true);
    for (const text of ['1', 'null', '"true"', 'x', 'x > 1']) expect(feelCondition(text, {}), text).toBe(false);
  });

  it('gives what feelin gives on the whole context, for names with spaces and symbols too', () => {
    const context = {
      'a b': 2,
      a: 100,
      b: 5,
      'x-y': 3,
      x: 10,
      y: 1,
      "Customer's Total": 7,
      invoice: { 'gross total': 1200, grossTotal: 1, lines: [{ 'net amount': 4 }, { 'net amount': 6 }] },
      'date and time': 'shadowed?',
      unrelated: { deep: [1, 2, 3] },
    };
    const texts = [
      'a b + 1',
      'a + b',
      'x-y',
      'x - y',
      "Customer's Total * 2",
      'invoice.gross total > 1000',
      'invoice.grossTotal',
      'sum(invoice.lines.net amount)',
      'date and time("2026-12-01T10:00:00") < date and time("2026-12-02T10:00:00")',
      'for l in invoice.lines return l.net amount',
      'count(unrelated.deep)',
      'nothing.here',
    ];
    for (const text of texts) expect(evaluateFeel(text, context), text).toEqual(evaluate(text, context).value);
  });

  it('reads only the entries the expression names', () => {
    const context = {
      match: { withinTolerance: true },
      invoice: {
        get lines(): never {
          throw new Error('read an entry the expression does not name');
        },
      },
    };
    expect(feelCondition('match.withinTolerance = true', context)).toBe(true);
    // the same context whole: feelin copies every entry, and the getter throws
    expect(() => evaluate('match.withinTolerance = true', context)).toThrow('does not name');
  });
});

describe('decide', () => {
  const byAmount = (hitPolicy: DecisionTableSpec['hitPolicy']): DecisionTableSpec => ({
    hitPolicy,
    inputs: ['invoice.grossTotal'],
    outputs: ['queue'],
    rules: [
      { when: ['> 10000'], then: ['"controller"'] },
      { when: ['> 1000'], then: ['"ap-review"'] },
      { when: ['-'], then: ['"auto"'] },
    ],
  });
  const invoice = (grossTotal: number | null) => ({ invoice: { grossTotal } });

  it('FIRST gives the first matching rule only', () => {
    expect(decide(byAmount('FIRST'), invoice(50000))).toEqual({ value: 'controller', matchedRules: [0] });
    expect(decide(byAmount('FIRST'), invoice(5000))).toEqual({ value: 'ap-review', matchedRules: [1] });
    expect(decide(byAmount('FIRST'), invoice(50))).toEqual({ value: 'auto', matchedRules: [2] });
  });

  it('FIRST with no match gives null', () => {
    const table = { ...byAmount('FIRST'), rules: byAmount('FIRST').rules.slice(0, 2) };
    expect(decide(table, invoice(50))).toEqual({ value: null, matchedRules: [] });
  });

  it('COLLECT gives every match, in rule order', () => {
    expect(decide(byAmount('COLLECT'), invoice(50000))).toEqual({ value: ['controller', 'ap-review', 'auto'], matchedRules: [0, 1, 2] });
    expect(decide(byAmount('COLLECT'), invoice(50))).toEqual({ value: ['auto'], matchedRules: [2] });
  });

  it('COLLECT with no match gives an empty list', () => {
    expect(decide({ ...byAmount('COLLECT'), rules: [] }, invoice(1))).toEqual({ value: [], matchedRules: [] });
  });

  it('UNIQUE gives the single match', () => {
    const unique: DecisionTableSpec = {
      ...byAmount('UNIQUE'),
      rules: [
        { when: ['> 1000'], then: ['"big"'] },
        { when: ['<= 1000'], then: ['"small"'] },
      ],
    };
    expect(decide(unique, invoice(5000))).toEqual({ value: 'big', matchedRules: [0] });
    expect(decide(unique, invoice(1000))).toEqual({ value: 'small', matchedRules: [1] });
  });

  it('UNIQUE with two matches is an error and decides nothing', () => {
    const result = decide(byAmount('UNIQUE'), invoice(5000));
    expect(result.value).toBeNull();
    expect(result.matchedRules).toEqual([1, 2]);
    expect(result.error).toBe('UNIQUE hit policy: rules 2, 3 all match');
  });

  it('several output columns give an object per rule', () => {
    const table: DecisionTableSpec = {
      hitPolicy: 'COLLECT',
      inputs: ['invoice.grossTotal', 'invoice.currency'],
      outputs: ['queue', 'priority'],
      rules: [
        { when: ['> 1000', '"EUR"'], then: ['"ap-review"', '2'] },
        { when: ['-', 'not("EUR")'], then: ['"foreign"', 'invoice.grossTotal / 1000'] },
      ],
    };
    expect(decide(table, { invoice: { grossTotal: 5000, currency: 'EUR' } }).value).toEqual([{ queue: 'ap-review', priority: 2 }]);
    expect(decide(table, { invoice: { grossTotal: 5000, currency: 'GBP' } }).value).toEqual([{ queue: 'foreign', priority: 5 }]);
  });

  it('"-" matches anything, null included, whatever the spacing', () => {
    const table: DecisionTableSpec = { hitPolicy: 'FIRST', inputs: ['x'], outputs: ['y'], rules: [{ when: [' - '], then: ['1'] }] };
    for (const x of [null, 0, 'text', { a: 1 }]) expect(decide(table, { x }).value, JSON.stringify(x)).toBe(1);
  });

  it('a test on a null input does not match', () => {
    expect(decide(byAmount('COLLECT'), invoice(null))).toEqual({ value: ['auto'], matchedRules: [2] });
  });

  it('a test feelin cannot evaluate does not match, and does not throw', () => {
    const table: DecisionTableSpec = {
      hitPolicy: 'FIRST',
      inputs: ['x'],
      outputs: ['y'],
      rules: [
        { when: ['>> 2'], then: ['"odd"'] },
        { when: ['-'], then: ['"rest"'] },
      ],
    };
    expect(decide(table, { x: 3 })).toEqual({ value: 'rest', matchedRules: [1] });
  });
});
