import { createAjv, describeAjvError } from '@exflow/shared';
import { expect } from 'vitest';

const ajv = createAjv({ strict: false });
const compiled = new WeakMap<object, ReturnType<typeof ajv.compile>>();

/** Asserts that a real response or socket message matches the wire schema shared declares for it. */
export function expectWire(schema: object, value: unknown, what: string): void {
  let check = compiled.get(schema);
  if (!check) compiled.set(schema, (check = ajv.compile(JSON.parse(JSON.stringify(schema)))));
  const ok = check(value);
  expect(ok ? [] : (check.errors ?? []).map((e) => `${what}: ${describeAjvError(e).message} at ${e.instancePath}`)).toEqual([]);
}
