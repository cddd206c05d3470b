import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * The one ajv instance shared code uses. `feel` is a known format so schemas can mark FEEL
 * fields for the designer; its syntax is checked by the node kinds, with better messages.
 */
export function createAjv(options: { strict?: boolean } = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: options.strict ?? true, strictRequired: false });
  ajv.addFormat('feel', true);
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  ajv.addFormat('email', /^[^\s@]+@[^\s@]+$/);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addKeyword({ keyword: 'x-order' });
  // how the designer edits a field (a duration picker, the tenant's queues or roles): a hint, never a rule
  ajv.addKeyword({ keyword: 'x-widget' });
  return ajv;
}

/** A readable message for one ajv error, naming the field. */
export function describeAjvError(error: ErrorObject, root = ''): { path: string; message: string } {
  const path = `${root}${error.instancePath}`;
  const field = path || '(document)';
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return { path: `${path}/${missing}`, message: `${path}/${missing} is required` };
  }
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return { path: `${path}/${extra}`, message: `${path}/${extra} is not a known field` };
  }
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
    return { path, message: `${field} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` };
  }
  return { path, message: `${field} ${error.message ?? 'is invalid'}` };
}

/**
 * What one ajv error names, as data for a message in another language: the rule (ajv's
 * keyword), the field and, for `enum`, the allowed values; other rules carry ajv's English detail.
 * @example ajvErrorParams(error, '/config') // { rule: 'required', field: '/config/queue' }
 */
export function ajvErrorParams(error: ErrorObject, root = ''): Record<string, string> {
  const { path, message } = describeAjvError(error, root);
  const rule = error.keyword;
  if (rule === 'required' || rule === 'additionalProperties') return { rule, field: path };
  const field = path || '(document)';
  if (rule === 'enum') return { rule, field, allowed: message.slice(`${field} must be one of `.length) };
  return { rule, field, detail: error.message ?? 'is invalid' };
}

export type { ValidateFunction };
