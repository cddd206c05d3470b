import type { TemplateFanOut, TemplateFanOutFlow } from '@exflow/shared';
import type { Db } from './db.js';
import { newId } from './ids.js';

/** A client's row of a fan-out, claimed by one process for a lease. */
export interface FanOutClaim {
  mspId: string;
  fanoutId: string;
  clientId: string;
  pack: string;
  version: number;
  actor: string;
  attempts: number;
  /** The flows as far as a previous attempt got. */
  report: TemplateFanOutFlow[];
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** The durable fan-out of a pack version to an MSP's clients (migration 025). */
export function createTemplateFanOutRepository(db: Db) {
  return {
    /** Stores the fan-out with one pending row per client, in the order given. */
    async create(mspId: string, fanOut: { pack: string; version: number; clients: string[]; actor: string }): Promise<string> {
      const id = newId();
      await db('template_fanouts').insert({ tenant_id: mspId, id, pack: fanOut.pack, version: fanOut.version, created_by: fanOut.actor });
      if (fanOut.clients.length)
        await db('template_fanout_clients').insert(
          fanOut.clients.map((clientId, position) => ({ tenant_id: mspId, fanout_id: id, client_id: clientId, position })),
        );
      return id;
    },

    async get(mspId: string, id: string): Promise<TemplateFanOut | undefined> {
      const row = await db('template_fanouts').where({ tenant_id: mspId, id }).first();
      if (!row) return undefined;
      const clients = await db('template_fanout_clients').where({ tenant_id: mspId, fanout_id: id }).orderBy('position');
      const statuses = clients.map((c) => c.status as 'pending' | 'done' | 'failed');
      return {
        id,
        pack: row.pack,
        version: row.version,
        status: statuses.includes('pending') ? 'running' : statuses.includes('failed') ? 'failed' : 'done',
        createdAt: iso(row.created_at),
        clients: clients.map((c) => ({
          tenantId: c.client_id,
          status: c.status,
          attempts: c.attempts,
          ...(c.last_error ? { error: c.last_error } : {}),
          flows: json<TemplateFanOutFlow[]>(c.report),
        })),
      };
    },

    /**
     * Claims one pending client row whose lease is free (or ran out: its process died) for
     * `leaseMs`; SKIP LOCKED lets any number of processes share the work.
     */
    async claim(owner: string, leaseMs: number): Promise<FanOutClaim | undefined> {
      const result = await db.raw(
        `UPDATE template_fanout_clients c SET locked_until = now() + (? * interval '1 millisecond'), locked_by = ?, attempts = c.attempts + 1
         FROM (SELECT tenant_id, fanout_id, client_id FROM template_fanout_clients
               WHERE status = 'pending' AND (locked_until IS NULL OR locked_until < now())
               ORDER BY fanout_id, position LIMIT 1 FOR UPDATE SKIP LOCKED) due, template_fanouts f
         WHERE c.tenant_id = due.tenant_id AND c.fanout_id = due.fanout_id AND c.client_id = due.client_id
           AND f.tenant_id = c.tenant_id AND f.id = c.fanout_id
         RETURNING c.tenant_id, c.fanout_id, c.client_id, c.attempts, c.report, f.pack, f.version, f.created_by`,
        [leaseMs, owner],
      );
      const r = result.rows[0];
      return r
        ? {
            mspId: r.tenant_id,
            fanoutId: r.fanout_id,
            clientId: r.client_id,
            pack: r.pack,
            version: r.version,
            actor: r.created_by,
            attempts: r.attempts,
            report: json<TemplateFanOutFlow[]>(r.report),
          }
        : undefined;
    },

    /** Records how far the client got; `false` when the lease is no longer `owner`'s (another process took over). */
    async saveReport(claim: FanOutClaim, owner: string, report: TemplateFanOutFlow[]): Promise<boolean> {
      const n = await db('template_fanout_clients')
        .where({ tenant_id: claim.mspId, fanout_id: claim.fanoutId, client_id: claim.clientId, locked_by: owner })
        .update({ report: JSON.stringify(report) });
      return n > 0;
    },

    /** Ends a claim: `done`, `failed` (for good), or `pending` again with the error (retried once the lease is given back). */
    async finish(claim: FanOutClaim, owner: string, status: 'done' | 'failed' | 'pending', error: string | null): Promise<void> {
      await db('template_fanout_clients')
        .where({ tenant_id: claim.mspId, fanout_id: claim.fanoutId, client_id: claim.clientId, locked_by: owner })
        .update({
          status,
          last_error: error,
          locked_by: null,
          locked_until: status === 'pending' ? db.raw(`now() + interval '1 second'`) : null,
          finished_at: status === 'pending' ? null : db.fn.now(),
        });
    },
  };
}
