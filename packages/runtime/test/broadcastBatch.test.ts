import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { coalesceNotifies } from '../src/realtime/broadcastConnections.js';
import { eventually, PATIENCE_MS, TEST_TIMEOUT_MS } from './support/http.js';

describe('the NOTIFYs still queued when the broadcaster stops', () => {
  it('are sent before settled() resolves, so ending the pool after it loses none', async () => {
    const sent: string[] = [];
    let ended = false;
    const { query, settled } = coalesceNotifies(((_text: string, values?: unknown[]) => {
      if (ended) return Promise.reject(new Error('Cannot use a pool after calling end on the pool'));
      sent.push(String(values?.[1] ?? ''));
      return new Promise((resolve) => setTimeout(() => resolve({ rows: [], rowCount: 1 }), 5));
    }) as pg.Pool['query']);
    // what the Socket.IO adapter does as it closes: one last NOTIFY (asked for, not awaited)
    const goodbye = query('SELECT pg_notify($1, $2)', ['c', 'closing']);
    // a repeat of it waits for a batch of its own
    const repeat = query('SELECT pg_notify($1, $2)', ['c', 'closing']);
    await settled();
    ended = true;
    await expect(Promise.all([goodbye, repeat])).resolves.toHaveLength(2);
    expect(sent).toEqual(['closing', 'closing']);
  });
});

describe.runIf(process.env.DATABASE_URL)('broadcast NOTIFYs of one event-loop turn go as one statement', { timeout: TEST_TIMEOUT_MS }, () => {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  const listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
  afterAll(async () => {
    await listener.end().catch(() => {});
    await pool.end();
  });

  it('delivers every notice, in order, repeats included, in fewer round trips', async () => {
    const channel = `broadcast-batch-${process.pid}-${Date.now()}`;
    const heard: string[] = [];
    await listener.connect();
    listener.on('notification', (n) => {
      if (n.channel === channel) heard.push(n.payload ?? '');
    });
    await listener.query(`LISTEN "${channel}"`);
    const sent: string[] = [];
    const { query } = coalesceNotifies(((text: string, values?: unknown[]) => {
      sent.push(text);
      return pool.query(text, values);
    }) as pg.Pool['query']);

    // what the Socket.IO Postgres adapter sends per broadcast, five in one turn; the second "a" is a repeat
    const payloads = ['a', 'b', 'c', 'a', 'd'];
    await Promise.all(payloads.map((p) => query('SELECT pg_notify($1, $2)', [channel, p])));
    await eventually(async () => heard.length === payloads.length, PATIENCE_MS, 'every notice to arrive');
    // PostgreSQL folds identical notices of one transaction: the repeat went in a second statement
    expect(sent.length).toBe(2);
    expect(heard.slice(0, 4)).toEqual(['a', 'b', 'c', 'd']);
    expect(heard[4]).toBe('a');

    // anything else passes through untouched
    const answer = await query('SELECT 41 + $1::int AS n', [1]);
    expect(answer.rows[0].n).toBe(42);
    expect(sent.length).toBe(3);
  });
});
