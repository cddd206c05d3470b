import type { Knex } from 'knex';

/**
 * Payloads over PostgreSQL's NOTIFY limit, for the Socket.IO Postgres adapter that lets several
 * runtime processes broadcast to each other's clients (unused on PGlite: one process).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE socket_io_attachments (
    id bigserial UNIQUE,
    created_at timestamptz DEFAULT now(),
    payload bytea)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE socket_io_attachments');
}
