import type { Knex } from 'knex';

/**
 * A tenant admin can disable a user: sign-in and every token of theirs are refused from then on,
 * and their live sockets are dropped (docs/security.md).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE users ADD COLUMN disabled_at timestamptz');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE users DROP COLUMN disabled_at');
}
