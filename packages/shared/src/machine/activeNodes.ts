/**
 * The node ids a snapshot value is in: the leaves of a (possibly parallel) state value.
 * Region-internal states (`…__joined`) are left out.
 * @example activeNodeIds({ checks: { b1: 'match', b2: 'tax' } }) // ['match', 'tax']
 */
export function activeNodeIds(value: unknown): string[] {
  if (typeof value === 'string') return value.includes('__') && !value.startsWith('__') ? [] : [value];
  if (!value || typeof value !== 'object') return [];
  return Object.values(value).flatMap(activeNodeIds);
}
