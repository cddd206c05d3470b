import { i18n, runtimeText } from '../i18n/i18n.js';
import { fieldLabel, plainFormError } from '../inbox/formErrors.js';
import type { Problem } from './client.js';

/** Labels the page shows for fields the server may name, by their JSON pointer (`/productName` → "Product name"). */
export type FieldLabels = Readonly<Record<string, string>>;

/** Codes whose `errors[]` name fields: the message lists each field's refusal instead of the code's sentence. */
const FIELD_CODES = new Set(['invalid-body', 'invalid-query', 'invalid-parameter', 'invalid-form', 'invalid-event', 'invalid-invoice', 'nul-character']);

type Refusal = { keyword: string; params: Record<string, unknown> };

/**
 * What shared's `describeAjvError` writes after the field's path, read back into ajv's keyword
 * and parameters, so the refusal can be worded in the user's language.
 */
const AJV_WORDINGS: [RegExp, (m: RegExpMatchArray) => Refusal][] = [
  [/^is required$/, () => ({ keyword: 'required', params: {} })],
  [/^is not a known field$/, () => ({ keyword: 'additionalProperties', params: {} })],
  [/^must be one of (.+)$/, (m) => ({ keyword: 'enum', params: { allowedValues: m[1].split(', ') } })],
  [/^must NOT have fewer than (\d+) characters?$/, (m) => ({ keyword: 'minLength', params: { limit: Number(m[1]) } })],
  [/^must NOT have more than (\d+) characters?$/, (m) => ({ keyword: 'maxLength', params: { limit: Number(m[1]) } })],
  [/^must NOT have fewer than (\d+) items?$/, (m) => ({ keyword: 'minItems', params: { limit: Number(m[1]) } })],
  [/^must be >= (\S+)$/, (m) => ({ keyword: 'minimum', params: { limit: m[1] } })],
  [/^must be <= (\S+)$/, (m) => ({ keyword: 'maximum', params: { limit: m[1] } })],
  [/^must be > (\S+)$/, (m) => ({ keyword: 'exclusiveMinimum', params: { limit: m[1] } })],
  [/^must be < (\S+)$/, (m) => ({ keyword: 'exclusiveMaximum', params: { limit: m[1] } })],
  [/^must be (integer|number|string)$/, (m) => ({ keyword: 'type', params: { type: m[1] } })],
  [/^must match format "([^"]+)"$/, (m) => ({ keyword: 'format', params: { format: m[1] } })],
  [/^must match pattern /, () => ({ keyword: 'pattern', params: {} })],
];

/**
 * One field the server refused, in the user's language: "Product name allows at most 60
 * characters" for `{ path: '/productName', message: '/productName must NOT have more than 60 characters' }`.
 * A refusal worded otherwise says the field is not valid.
 */
export function fieldRefusal(error: { path: string; message: string }, labels: FieldLabels = {}): string {
  // "/taskIds/1" is about the task ids: an array's index is no name
  const parts = error.path.split('/').filter((part) => part && !/^\d+$/.test(part));
  const field = labels[error.path] ?? fieldLabel(undefined, parts);
  const rest = error.message.startsWith(error.path) ? error.message.slice(error.path.length).trim() : error.message;
  for (const [pattern, refusal] of AJV_WORDINGS) {
    const m = rest.match(pattern);
    if (m) return plainFormError(refusal(m), field, i18n.t);
  }
  return i18n.t('formError.invalid', { field });
}

/**
 * The one message the app shows for a problem+json answer, in the user's language: the
 * catalogue's words for its `code` (a field refusal names each field), else the server's own
 * title and detail (a code the catalogue does not name, or an answer that is not problem+json).
 * @example problemMessage({ type: '', title: 'Forbidden', status: 403, code: 'sod.over-limit' }) // 'Segregation of duties: the amount is above …'
 */
export function problemMessage(problem: Problem, labels?: FieldLabels): string {
  const code = problem.code;
  if (code && FIELD_CODES.has(code) && problem.errors?.length) {
    const refusals = [...new Set(problem.errors.slice(0, 5).map((e) => fieldRefusal(e, labels)))];
    return i18n.t('problem.fieldErrors', { errors: refusals.join('; ') });
  }
  const key = `problem.${code ?? ''}`;
  if (code && i18n.exists(key)) return runtimeText(key);
  return problem.detail ? `${problem.title}: ${problem.detail}` : problem.title;
}
