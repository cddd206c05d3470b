import { listenOnChannel } from './channelListener.js';
import type { Db } from './db.js';
import { createLru, databaseMemory } from './databaseMemory.js';

/** The NOTIFY channel the row-change triggers of migration 027 announce on. */
const rowsChannel = (schema = 'public') => `exflow_rows:${schema}`;

export interface RowCacheOptions {
  /**
   * PostgreSQL: other runtime processes (and plain SQL) change these rows too; their commits
   * reach this process as NOTIFYs from the triggers of migration 027 on a dedicated connection.
   * Absent on PGlite (one process: its repositories announce every change).
   */
  postgres?: { connectionString: string; schema?: string };
  log?: (message: string, context: Record<string, unknown>) => void;
  maxEntries?: number;
  /** First delay before listening again after the LISTEN connection was lost, ms (doubles to 30 s). */
  relistenMs?: number;
}

interface RowCache {
  listening: boolean;
  generation: number;
  entries: ReturnType<typeof createLru<unknown>>;
  /** Keys this process is changing (how many writes), uncached until their transactions end. */
  writing: Map<string, number>;
}

const cacheOf = (db: Db) => databaseMemory<{ cache?: RowCache }>(db, 'rowCache', () => ({})).cache;

function forget(cache: RowCache, key: string) {
  cache.generation++;
  cache.entries.delete(key);
}

/**
 * Rows read on every request or transition that change rarely (a tenant and its policies, who
 * delegated to whom, a country's tax rates, a tenant's routing table) remembered per database, so reading them costs no round trip. A change
 * forgets the row at once in the process that made it (`writeRow`, used by the repository that
 * writes it; the key stays uncached until its transaction has ended) and in the others when its
 * commit's NOTIFY arrives. While the LISTEN connection is down nothing is
 * remembered (every read goes to the database), and everything is forgotten when it listens
 * again, since notices may have been missed. A read that raced a change is not stored (a
 * generation counter). Without `startRowCache` for a database, reads go to it every time.
 */
export function startRowCache(db: Db, options: RowCacheOptions = {}): { stop(): Promise<void> } {
  const { postgres, log = () => {} } = options;
  const cache: RowCache = { listening: !postgres, generation: 0, entries: createLru(options.maxEntries ?? 10_000), writing: new Map() };
  const memory = databaseMemory<{ cache?: RowCache }>(db, 'rowCache', () => ({}));
  memory.cache = cache;
  const clear = () => {
    cache.generation++;
    cache.entries.clear();
  };

  const listener = postgres
    ? listenOnChannel({
        connectionString: postgres.connectionString,
        applicationName: `exflow-rows:${postgres.schema ?? 'public'}`,
        channel: rowsChannel(postgres.schema),
        relistenMs: options.relistenMs,
        log,
        lostMessage: 'row cache lost its LISTEN connection; rows are read from the database until it listens again',
        onNotice: (key) => forget(cache, key),
        onLost() {
          cache.listening = false;
          clear();
        },
        onListening() {
          clear(); // whatever changed while we were not listening
          cache.listening = true;
        },
      })
    : undefined;

  return {
    async stop() {
      cache.listening = false;
      clear();
      if (memory.cache === cache) memory.cache = undefined;
      await listener?.stop();
    },
  };
}

/**
 * `load()`'s answer for `key`, from memory when the database's row cache holds it. Only answers
 * `keep` accepts are remembered (a missing tenant is read again, so creating it needs no notice).
 */
export async function cachedRow<T>(db: Db, key: string, load: () => Promise<T>, keep: (value: T) => boolean = () => true): Promise<T> {
  const cache = cacheOf(db);
  if (!cache?.listening || cache.writing.has(key)) return load();
  const hit = cache.entries.get(key);
  if (hit !== undefined) return hit as T;
  const before = cache.generation;
  const value = await load();
  if (cache.listening && before === cache.generation && keep(value)) cache.entries.set(key, value);
  return value;
}

type Transaction = { parentTransaction?: Transaction; executionPromise?: Promise<unknown> };

/**
 * Runs `write`, which changes the row under `key`, in this process: the row is forgotten, and
 * read from the database (not remembered) until the write's outermost transaction has ended,
 * then forgotten again: so no one here remembers a value from before the commit.
 */
export async function writeRow<T>(db: Db, key: string, write: () => Promise<T>): Promise<T> {
  const cache = cacheOf(db);
  if (!cache) return write();
  forget(cache, key);
  cache.writing.set(key, (cache.writing.get(key) ?? 0) + 1);
  const done = () => {
    forget(cache, key);
    const left = cache.writing.get(key)! - 1;
    if (left > 0) cache.writing.set(key, left);
    else cache.writing.delete(key);
  };
  let outer = db.isTransaction ? (db as unknown as Transaction) : undefined;
  while (outer?.parentTransaction) outer = outer.parentTransaction;
  try {
    return await write();
  } finally {
    if (outer?.executionPromise) outer.executionPromise.then(done, done);
    else done();
  }
}

/** The keys of the rows remembered (the triggers of migration 027 NOTIFY the same strings). */
export const rowKeys = {
  tenant: (id: string) => `tenant|${id}`,
  delegationsTo: (tenantId: string, user: string) => `delegations|${tenantId}|${user}`,
  taxRates: (country: string) => `taxRates|${country}`,
  routing: (tenantId: string) => `routing|${tenantId}`,
};
