import type { ErrorSchema, RJSFValidationError } from '@rjsf/utils';
import type { TFunction } from 'i18next';

/** The part of a form's JSON Schema the messages read: field titles (any JSON Schema will do). */
type FormSchema = unknown;

interface SchemaNode {
  properties?: Record<string, unknown>;
  title?: unknown;
}
const asNode = (value: unknown): SchemaNode | undefined => (value && typeof value === 'object' ? (value as SchemaNode) : undefined);

/** A field's name as the form shows it: its schema title, else its key in words ("reasonCode" → "Reason code"). */
export function fieldLabel(schema: FormSchema, path: readonly string[]): string {
  let node = asNode(schema);
  for (const part of path) node = asNode(node?.properties?.[part]);
  if (typeof node?.title === 'string' && node.title) return node.title;
  const key = path.at(-1) ?? '';
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

/** One refusal as ajv reports it: the keyword that failed and its parameters. */
interface Refusal {
  keyword: string;
  params: Record<string, unknown>;
}

/**
 * A refusal in plain words naming the field ("Reason is required"), never ajv's own text
 * ("must have required property 'reason'").
 * @example plainFormError({ keyword: 'required', params: { missingProperty: 'reason' } }, 'Reason', t) // 'Reason is required'
 */
export function plainFormError(refusal: Refusal, field: string, t: TFunction): string {
  const { keyword, params } = refusal;
  const limit = params.limit as number | undefined;
  switch (keyword) {
    case 'required':
      return t('formError.required', { field });
    case 'minLength':
      return t('formError.minLength', { field, count: limit ?? 1 });
    case 'maxLength':
      return t('formError.maxLength', { field, count: limit ?? 0 });
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return t(`formError.${keyword}`, { field, limit });
    case 'minItems':
      return t('formError.minItems', { field, count: limit ?? 1 });
    case 'type': {
      const type = String(params.type ?? '');
      if (type.includes('integer')) return t('formError.integer', { field });
      if (type.includes('number')) return t('formError.number', { field });
      if (type.includes('string')) return t('formError.text', { field });
      return t('formError.invalid', { field });
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[] | undefined) ?? [];
      return t('formError.enum', { field, values: allowed.map(String).join(', ') });
    }
    case 'format': {
      const format = String(params.format ?? '');
      if (format === 'date') return t('formError.date', { field });
      if (format === 'date-time') return t('formError.dateTime', { field });
      if (format === 'email') return t('formError.email', { field });
      return t('formError.invalid', { field });
    }
    case 'pattern':
      return t('formError.pattern', { field });
    case 'additionalProperties':
      return t('formError.unknownField', { field });
    default:
      return t('formError.invalid', { field });
  }
}

const propertyPath = (property: string | undefined) => (property ?? '').split('.').filter(Boolean);

/**
 * rjsf's `transformErrors`: the browser's own check of the form, in plain words. rjsf already
 * points a `required` refusal at the missing field's path.
 */
export function plainFormErrors(errors: RJSFValidationError[], schema: FormSchema, t: TFunction): RJSFValidationError[] {
  return errors.map((e) => {
    const path = propertyPath(e.property);
    const message = plainFormError({ keyword: e.name ?? '', params: (e.params ?? {}) as Record<string, unknown> }, fieldLabel(schema, path), t);
    return { ...e, message, stack: message };
  });
}

/** The server's refusal of one field (422 `errors[]`): its path (`/data/reason`) and message. */
interface ServerFieldError {
  path: string;
  message: string;
}

const serverPath = (path: string) =>
  path
    .replace(/^\/data\/?/, '')
    .split('/')
    .filter(Boolean);

/**
 * The server's refusal in plain words: the server writes "/data/reason is required" or
 * "/data/amount must be >= 0"; the field's path becomes its label, a missing field says so.
 * @example plainServerError({ path: '/data/reason', message: '/data/reason is required' }, schema, t) // 'Reason is required'
 */
export function plainServerError(error: ServerFieldError, schema: FormSchema, t: TFunction): string {
  const path = serverPath(error.path);
  const field = fieldLabel(schema, path);
  const rest = error.message.replace(error.path, '').trim();
  if (!path.length) return rest;
  if (/^is required$/.test(rest)) return t('formError.required', { field });
  if (/^is not a known field$/.test(rest)) return t('formError.unknownField', { field });
  return `${field}: ${rest}`;
}

/**
 * Turns the server's refusal (422 with `errors[].path` such as `/data/reason`) into errors on
 * the form's fields in plain words, so a field the server names is marked even if the browser missed it.
 * @example toErrorSchema([{ path: '/data/reason', message: '/data/reason is required' }], schema, t) // { reason: { __errors: ['Reason is required'] } }
 */
export function toErrorSchema(errors: readonly ServerFieldError[], schema: FormSchema, t: TFunction): ErrorSchema {
  const root: ErrorSchema = {};
  for (const e of errors) {
    let node = root;
    for (const part of serverPath(e.path)) node = node[part] ??= {};
    (node.__errors ??= []).push(plainServerError(e, schema, t));
  }
  return root;
}
