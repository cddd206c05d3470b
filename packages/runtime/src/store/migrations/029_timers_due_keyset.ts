import type { Knex } from 'knex';

/**
 * `timers_due` on `(due_at, id)`: the timer worker claims due timers in `(due_at, id)` order after
 * the last one it claimed (a keyset cursor), so the claim starts past the index entries of the
 * timers already fired. Those entries stay in the index, pointing at dead rows, until vacuum
 * runs, and while any transaction's snapshot is older than their firing the claim must visit each
 * of their rows; from the soonest due time, a claim late in a large drain walked them all
 * (docs/benchmarks.md, "Timer drain"). `id` breaks ties between timers due at the same instant.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS timers_due');
  await knex.raw(`CREATE INDEX timers_due ON timers (due_at, id) WHERE status = 'pending'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS timers_due');
  await knex.raw(`CREATE INDEX timers_due ON timers (due_at) WHERE status = 'pending'`);
}
