import pg from 'pg';

export interface BroadcastConnectionOptions {
  connectionString: string;
  schema?: string;
  applicationName?: string;
  log: (message: string, context: Record<string, unknown>) => void;
}

/** What the Socket.IO Postgres adapter uses of a pool: `query` to NOTIFY, `connect` for its LISTEN client. */
export type BroadcastConnections = Pick<pg.Pool, 'query' | 'connect' | 'end'>;

/** The statement the Socket.IO Postgres adapter sends for every broadcast. */
const ADAPTER_NOTIFY = 'SELECT pg_notify($1, $2)';
const BATCH_NOTIFY = 'SELECT pg_notify(c, p) FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(c, p, n) ORDER BY n';

interface Notice {
  channel: string;
  payload: string;
  done: (error?: Error) => void;
}

/**
 * The adapter sends one `SELECT pg_notify($1, $2)` per broadcast: a case transition broadcasts
 * its case change and each task it opens, a task claim or completion one more, so about ten
 * round trips per case. The NOTIFYs asked for in one event-loop turn go as one statement here
 * (in their order, as one transaction: delivered together at its commit). PostgreSQL delivers
 * identical notices of one transaction once, so a repeated one waits for the next batch.
 * Any other query passes through. `settled()` resolves once every NOTIFY asked for so far has
 * been sent (or has failed): the pool may end only then.
 */
export function coalesceNotifies(query: pg.Pool['query']): { query: pg.Pool['query']; settled: () => Promise<void> } {
  let batch: Notice[] | undefined;
  // one batch at a time: a later batch (e.g. a repeat folded out of the one before) waits for the
  // earlier to be sent, so notices arrive in the order they were queued
  let previous: Promise<unknown> = Promise.resolve();
  const flush = () => {
    const sent = batch!;
    batch = undefined;
    const once: Notice[] = [];
    for (const n of sent) {
      if (once.some((m) => m.channel === n.channel && m.payload === n.payload)) enqueue(n);
      else once.push(n);
    }
    const run = previous.then(() =>
      once.length === 1
        ? query(ADAPTER_NOTIFY, [once[0]!.channel, once[0]!.payload])
        : query(BATCH_NOTIFY, [once.map((n) => n.channel), once.map((n) => n.payload)]),
    );
    previous = run.catch(() => undefined);
    run.then(
      () => once.forEach((n) => n.done()),
      (e: Error) => once.forEach((n) => n.done(e)),
    );
  };
  const enqueue = (notice: Notice) => {
    if (!batch) {
      batch = [];
      setImmediate(flush);
    }
    batch.push(notice);
  };
  const coalesced = ((text: unknown, values?: unknown) => {
    if (text !== ADAPTER_NOTIFY || !Array.isArray(values)) return query(text as string, values as unknown[]);
    const [channel, payload] = values as [string, string];
    return new Promise((resolve, reject) => enqueue({ channel, payload, done: (e) => (e ? reject(e) : resolve({ rows: [], rowCount: 1 })) }));
  }) as pg.Pool['query'];
  // a batch still waiting for its turn is sent first; a repeat it folds out queues one more batch
  const settled = async (): Promise<void> => {
    while (batch) await new Promise((turn) => setImmediate(turn));
    const sending = previous;
    await sending;
    if (batch || previous !== sending) return settled();
  };
  return { query: coalesced, settled };
}

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
  const notifies = coalesceNotifies(pool.query.bind(pool) as pg.Pool['query']);
  return {
    query: notifies.query,
    connect: connect as unknown as pg.Pool['connect'],
    // the adapter's last NOTIFY (this process leaving, sent as the realtime closes) goes out before the pool ends
    end: async () => {
      await notifies.settled();
      await pool.end();
    },
  };
}
