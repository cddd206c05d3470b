/**
 * A copy of `value` without the keys whose value is `undefined`, so optional canonical fields
 * are absent rather than present-but-empty.
 * @example omitUndefined({ a: 1, b: undefined }) // { a: 1 }
 */
export function omitUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
