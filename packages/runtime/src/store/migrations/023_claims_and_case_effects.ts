import type { Knex } from 'knex';

/**
 * What grew with the stored work (issue 13, docs/benchmarks.md "Cost as work grows"):
 *
 * - `effects_case`: a case's effects were found by scanning the tenant's whole outbox (the
 *   primary key starts with the tenant only): the effect worker's check that an answer is not
 *   for an earlier visit of its step ran for each effect it reported and took 3.8 s at a
 *   million stored cases; the case view's effects and a transition that cancels a step's pending
 *   effects did the same.
 * - `timers.claimed_until`: timers are claimed in batches: a worker leases the due rows it will
 *   fire, so the lanes of one process and the other processes take different timers instead of
 *   racing for the same soonest ones. The lease only spreads the work: a timer is still fired
 *   once, in the transaction that marks it fired (`FOR UPDATE SKIP LOCKED`, status pending). A
 *   worker that dies holding a lease leaves the timer pending; another claims it when the lease
 *   runs out.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX effects_case ON effects (tenant_id, case_id, node_id, case_version)');
  await knex.raw('ALTER TABLE timers ADD COLUMN claimed_until timestamptz');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE timers DROP COLUMN IF EXISTS claimed_until');
  await knex.raw('DROP INDEX IF EXISTS effects_case');
}
