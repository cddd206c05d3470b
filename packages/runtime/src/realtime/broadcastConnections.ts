import pg from 'pg';

export interface BroadcastConnectionOptions {
  connectionString: string;
  schema?: string;
  applicationName?: string;
  log: (message: string, context: Record<string, unknown>) => void;
}

/** What the Socket.IO Postgres adapter uses of a pool: `query` to NOTIFY, `connect` for its LISTEN client. */
export type BroadcastConnections = Pick<pg.Pool, 'query' | 'connect' | 'end'>;

/**
 * Connections for the Socket.IO Postgres adapter that survive losing the database.
 *
 * The adapter keeps one client from `connect()` for LISTEN; when that connection ends it asks
 * for a new one and LISTENs again (every ~2 s until it gets one). Two things break that with a
 * plain `pg.Pool`: a checked-out pool client has no 'error' listener, so a terminated backend
 * throws an unhandled 'error' and kills the process; and the adapter never releases the dead
 * client, so each loss leaks a pool slot until `connect()` waits forever. So LISTEN gets its
 * own client outside the pool, with an error listener, closed on release; NOTIFYs use the pool.
 */
export function createBroadcastConnections(options: BroadcastConnectionOptions): BroadcastConnections {
  const settings = {
    connectionString: options.connectionString,
    application_name: options.applicationName ?? 'exflow',
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
  };
  const pool = new pg.Pool({ ...settings, max: 4 });
  // an idle pooled client whose backend is terminated: the pool drops it, the next query gets a new one
  pool.on('error', (e) => options.log('broadcast connection lost', { error: e.message }));
  const connect = async () => {
    const client = new pg.Client(settings);
    client.on('error', (e) => options.log('broadcast listener lost its connection; it will listen again', { error: e.message }));
    try {
      await client.connect();
    } catch (e) {
      client.end().catch(() => {});
      throw e;
    }
    return Object.assign(client, { release: () => void client.end().catch(() => {}) });
  };
  return {
    query: pool.query.bind(pool) as pg.Pool['query'],
    connect: connect as unknown as pg.Pool['connect'],
    end: () => pool.end(),
  };
}
