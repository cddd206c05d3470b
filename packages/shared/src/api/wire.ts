import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox';

/**
 * Building blocks of the wire schemas: every string, array and integer is bounded, so the
 * OpenAPI document built from them passes the OWASP API rules (string-limit, array-limit,
 * integer-format and integer-limit).
 */

/** An id, a key, a node id: short text. */
export const Id = (description?: string) => Type.String({ maxLength: 200, ...(description ? { description } : {}) });
/** Free text of at most `maxLength` characters. */
export const Text = (maxLength: number, description?: string) => Type.String({ maxLength, ...(description ? { description } : {}) });
/** An ISO 8601 instant. */
export const Timestamp = (description?: string) => Type.String({ format: 'date-time', maxLength: 40, ...(description ? { description } : {}) });
/** A decimal amount as a string (`"1234.50"`), never a float. */
export const Decimal = (description?: string) => Type.String({ maxLength: 40, pattern: '^-?[0-9]+(\\.[0-9]+)?$', ...(description ? { description } : {}) });
/** A non-negative 32-bit integer (a version, a count, a sequence number). */
export const Count = (description?: string) => Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647, ...(description ? { description } : {}) });
/** A list of at most `maxItems` items. */
export const List = <T extends TSchema>(items: T, maxItems: number, description?: string) =>
  Type.Array(items, { maxItems, ...(description ? { description } : {}) });
/** `T` or `null`. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** A JSON object whose shape the API does not fix (a case context, form data). */
export function OpenObject<T = Record<string, unknown>>(description: string): TUnsafe<NoInfer<T>> {
  return Type.Unsafe<NoInfer<T>>({ type: 'object', description });
}
/** One of the given strings. */
export const OneOf = <const T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], maxLength: Math.max(...values.map((v) => v.length)), ...(description ? { description } : {}) });
