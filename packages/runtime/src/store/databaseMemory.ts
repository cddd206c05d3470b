import type { Db } from './db.js';

const memories = new WeakMap<object, Map<string, unknown>>();

/**
 * Something kept in memory for one database: its knex instance and every transaction and
 * savepoint on it share one `client.config` object, so that object keys it. Tests and the
 * benchmarks open several databases in one process (in-memory PGlites, PostgreSQL schemas),
 * and what one remembers must never answer for another.
 */
export function databaseMemory<T>(db: Db, name: string, create: () => T): T {
  const owner = (db.client as { config: object }).config;
  let memory = memories.get(owner);
  if (!memory) memories.set(owner, (memory = new Map()));
  if (!memory.has(name)) memory.set(name, create());
  return memory.get(name) as T;
}

/** A bounded map: the least recently used entry goes first. */
export function createLru<V>(max: number) {
  const entries = new Map<string, V>();
  return {
    get(key: string): V | undefined {
      const hit = entries.get(key);
      if (hit !== undefined) {
        entries.delete(key);
        entries.set(key, hit);
      }
      return hit;
    },
    set(key: string, value: V): void {
      entries.delete(key);
      if (entries.size >= max) entries.delete(entries.keys().next().value!);
      entries.set(key, value);
    },
    delete(key: string): void {
      entries.delete(key);
    },
    clear(): void {
      entries.clear();
    },
    get size(): number {
      return entries.size;
    },
  };
}
