import pg from 'pg';

export interface ChannelListenerOptions {
  connectionString: string;
  /** `application_name` of the LISTEN connection (cut to PostgreSQL's 63 bytes). */
  applicationName: string;
  channel: string;
  /** First wait before listening again after a lost connection, ms (doubling, at most 30 s; default 500). */
  relistenMs?: number;
  /** Said (with the error and the wait) when the connection is lost. */
  lostMessage: string;
  log: (message: string, context: Record<string, unknown>) => void;
  /** A notice on the channel (with a payload). */
  onNotice(payload: string): void;
  /** Listening (again): notices may have been missed while it was not. */
  onListening(): void;
  /** The connection was lost: notices will be missed until `onListening`. */
  onLost?(): void;
}

/**
 * LISTEN on one PostgreSQL channel on a dedicated connection (outside any pool), listening again
 * with a doubling back-off whenever the connection is lost; what was missed meanwhile is the
 * caller's to make good in `onListening`. Used by the principal cache, the row cache and the
 * cross-process wake-ups.
 */
export function listenOnChannel(options: ChannelListenerOptions): { stop(): Promise<void> } {
  const first = options.relistenMs ?? 500;
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let delay = first;
  const listen = async () => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: options.connectionString, application_name: options.applicationName.slice(0, 63) });
    let lost = false;
    const again = (e?: Error) => {
      if (lost || stopped) return;
      lost = true;
      options.onLost?.();
      if (client === c) client = undefined;
      c.end().catch(() => {});
      options.log(options.lostMessage, { error: e?.message ?? 'connection ended', inMs: delay });
      retry = setTimeout(() => void listen(), delay);
      delay = Math.min(delay * 2, 30_000);
    };
    c.on('error', again);
    c.on('end', () => again());
    c.on('notification', (n) => {
      if (n.channel === options.channel && n.payload) options.onNotice(n.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(options.channel)}`);
    } catch (e) {
      return again(e as Error);
    }
    if (stopped) return void c.end().catch(() => {});
    client = c;
    delay = first;
    options.onListening();
  };
  void listen();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
