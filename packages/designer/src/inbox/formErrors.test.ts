import { describe, expect, it } from 'vitest';
import { i18n } from '../i18n/i18n.js';
import { fieldLabel, plainFormError, plainFormErrors, toErrorSchema } from './formErrors.js';

const en = i18n.getFixedT('en');
const de = i18n.getFixedT('de');
const schema = {
  type: 'object',
  properties: { reason: { type: 'string', title: 'Reason' }, creditAmount: { type: 'number' }, lines: { type: 'array' } },
};

describe('fieldLabel', () => {
  it("uses the field's title, else its key in words", () => {
    expect(fieldLabel(schema, ['reason'])).toBe('Reason');
    expect(fieldLabel(schema, ['creditAmount'])).toBe('Credit amount');
    expect(fieldLabel(schema, ['lines', '0', 'qty_ordered'])).toBe('Qty ordered');
  });
});

describe('plainFormError', () => {
  it('says each refusal in plain words, naming the field', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['required', { missingProperty: 'reason' }, 'Reason is required'],
      ['minLength', { limit: 10 }, 'Reason needs at least 10 characters'],
      ['minLength', { limit: 1 }, 'Reason needs at least 1 character'],
      ['maxLength', { limit: 200 }, 'Reason allows at most 200 characters'],
      ['minimum', { limit: 0, comparison: '>=' }, 'Reason must be at least 0'],
      ['maximum', { limit: 5 }, 'Reason must be at most 5'],
      ['exclusiveMinimum', { limit: 0 }, 'Reason must be more than 0'],
      ['type', { type: 'number' }, 'Reason must be a number'],
      ['type', { type: 'integer' }, 'Reason must be a whole number'],
      ['enum', { allowedValues: ['price', 'quantity'] }, 'Reason must be one of: price, quantity'],
      ['format', { format: 'date' }, 'Reason must be a date'],
      ['format', { format: 'email' }, 'Reason must be an e-mail address'],
      ['pattern', { pattern: '^[A-Z]+$' }, 'Reason is not in the expected form'],
      ['minItems', { limit: 2 }, 'Choose at least 2 entries for Reason'],
      ['uniqueItems', {}, 'Reason is not valid'],
    ];
    for (const [keyword, params, expected] of cases) expect(plainFormError({ keyword, params }, 'Reason', en), keyword).toBe(expected);
  });
  it('says them in German too', () => {
    expect(plainFormError({ keyword: 'required', params: {} }, 'Begründung', de)).toBe('Begründung ist erforderlich');
    expect(plainFormError({ keyword: 'minLength', params: { limit: 10 } }, 'Begründung', de)).toBe('Begründung braucht mindestens 10 Zeichen');
  });
});

describe('plainFormErrors (rjsf transformErrors)', () => {
  it("replaces ajv's text on the browser's own check", () => {
    const [error] = plainFormErrors(
      [{ name: 'required', property: 'reason', message: "must have required property 'Reason'", params: { missingProperty: 'reason' }, stack: '' }],
      schema,
      en,
    );
    expect(error).toMatchObject({ property: 'reason', message: 'Reason is required', stack: 'Reason is required' });
  });
});

describe('toErrorSchema', () => {
  it('puts each server error on the field its path names, in plain words', () => {
    expect(
      toErrorSchema(
        [
          { path: '/data/reason', message: '/data/reason is required' },
          { path: '/data/lines/0/qty', message: '/data/lines/0/qty must be > 0' },
          { path: '/data/extra', message: '/data/extra is not a known field' },
          { path: '/data', message: 'too short' },
        ],
        schema,
        en,
      ),
    ).toEqual({
      reason: { __errors: ['Reason is required'] },
      lines: { 0: { qty: { __errors: ['Qty: must be > 0'] } } },
      extra: { __errors: ['Extra is not a field of this form'] },
      __errors: ['too short'],
    });
  });
});
