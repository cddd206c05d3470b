import type { Knex } from 'knex';

/**
 * `effects_failed`: `/metrics` counts the outbox's failed effects (and their retries) on every
 * scrape; failed rows are outside the partial index `effects_due` (pending and running), so the
 * count read the whole `effects` table, which holds every effect ever run. This partial index
 * holds only the failed ones, with their attempts, so the count is an index-only scan of them
 * (docs/benchmarks.md, "Restart with work stored").
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX effects_failed ON effects (attempts) WHERE status = 'failed'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS effects_failed');
}
