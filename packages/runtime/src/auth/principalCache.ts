import type { EventBus } from '../engine/eventBus.js';
import { listenOnChannel } from '../store/channelListener.js';

export interface PrincipalCacheOptions {
  bus: EventBus;
  /**
   * PostgreSQL: other runtime processes disable users and revoke keys too; their commits reach
   * this one as NOTIFYs from the `users` / `api_keys` triggers (migration 014) on a dedicated
   * connection. Absent on PGlite (one process: the bus hears every revocation).
   */
  postgres?: { connectionString: string; schema?: string };
  log?: (message: string, context: Record<string, unknown>) => void;
  /** Entries kept at most (the oldest go first). */
  maxEntries?: number;
  /** First delay before listening again after the LISTEN connection was lost, ms (doubles to 30 s). */
  relistenMs?: number;
}

export interface PrincipalCache {
  /**
   * `load`'s answer for `tenantId`/`principalId` (a user id, or `apikey:<id>`), from memory
   * when a still-valid one is there. Only answers `keep` accepts are remembered (a disabled
   * user or revoked key is read again every time, so enabling needs no notice).
   */
  get<T>(tenantId: string | undefined, principalId: string, load: () => Promise<T>, keep: (value: T) => boolean): Promise<T>;
  stop(): Promise<void>;
}

/** The NOTIFY channel the revocation triggers of migration 014 announce on. */
const principalsChannel = (schema = 'public') => `exflow_principals:${schema}`;

/**
 * Who a credential belongs to, remembered between requests, so a request costs no database
 * round trip to learn that its user is not disabled or its API key not revoked. Revocation
 * empties the entry at once in this process (the bus's `principal.revoked`, emitted after the
 * change committed) and in the others within the NOTIFY latency. While the LISTEN connection
 * is down nothing is remembered (every request reads the database, as without the cache), and
 * it is emptied when listening starts again, since notices may have been missed meanwhile. An
 * answer read while a revocation arrived is not stored (a generation counter), so a read that
 * raced the revocation cannot put the old answer back.
 */
export function createPrincipalCache(options: PrincipalCacheOptions): PrincipalCache {
  const { bus, postgres, log = () => {} } = options;
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, unknown>();
  let generation = 0;
  let listening = !postgres;
  const keyOf = (tenantId: string | undefined, principalId: string) => `${tenantId ?? ''}|${principalId}`;
  const revoke = (principalId: string) => {
    generation++;
    // by principal id alone: a notice names the tenant too, but a key's entry is looked up before its tenant is known
    for (const key of entries.keys()) if (key.endsWith(`|${principalId}`)) entries.delete(key);
  };
  const clear = () => {
    generation++;
    entries.clear();
  };
  const unsubscribe = bus.on('principal.revoked', ({ principalId }) => revoke(principalId));

  const listener = postgres
    ? listenOnChannel({
        connectionString: postgres.connectionString,
        applicationName: `exflow-principals:${postgres.schema ?? 'public'}`,
        channel: principalsChannel(postgres.schema),
        relistenMs: options.relistenMs,
        log,
        lostMessage: 'principal listener lost its connection; principals are read from the database until it listens again',
        onNotice(payload) {
          const at = payload.indexOf('|');
          if (at > 0) revoke(payload.slice(at + 1));
        },
        onLost() {
          listening = false;
          clear();
        },
        onListening() {
          clear(); // whatever was revoked while we were not listening
          listening = true;
        },
      })
    : undefined;

  return {
    async get(tenantId, principalId, load, keep) {
      const key = keyOf(tenantId, principalId);
      if (listening && entries.has(key)) return entries.get(key) as Awaited<ReturnType<typeof load>>;
      const before = generation;
      const value = await load();
      if (listening && before === generation && keep(value)) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
        entries.set(key, value);
      }
      return value;
    },
    async stop() {
      listening = false;
      unsubscribe();
      entries.clear();
      await listener?.stop();
    },
  };
}
