import type { ErrorSchema } from '@rjsf/utils';

/**
 * Turns the server's refusal (422 with `errors[].path` such as `/data/reason`) into errors on
 * the form's fields, so a field the server names is marked even if the browser missed it.
 * @example toErrorSchema([{ path: '/data/reason', message: 'is required' }]) // { reason: { __errors: ['is required'] } }
 */
export function toErrorSchema(errors: readonly { path: string; message: string }[]): ErrorSchema {
  const root: ErrorSchema = {};
  for (const e of errors) {
    const parts = e.path
      .replace(/^\/data\/?/, '')
      .split('/')
      .filter(Boolean);
    let node = root;
    for (const part of parts) node = node[part] ??= {};
    (node.__errors ??= []).push(e.message);
  }
  return root;
}
