import { mkdirSync } from 'node:fs';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import pg from 'pg';
import { lockDataDir } from './dataDirLock.js';
import { migrationSource } from './migrations/index.js';
import { enableRowLevelSecurity } from './rowLevelSecurity.js';

// Postgres returns bigint/numeric as text; money stays text (decimal), counts become numbers.
pg.types.setTypeParser(20, (v) => Number(v));

export type Db = Knex;

export interface DbOptions {
  databaseUrl?: string;
  schema?: string;
  /** PGlite data folder; `undefined` with no URL means in memory. */
  dataDir?: string;
  poolMax?: number;
  /**
   * `application_name` of every connection (unless the URL sets one), so an operator (or a
   * failover drill) can tell this runtime's backends apart in `pg_stat_activity`.
   */
  applicationName?: string;
}

/**
 * Opens the database: PostgreSQL when a URL is given, else the embedded PGlite.
 * The only place knex is configured; everything else receives the instance.
 * A PGlite data folder is locked for this process until `destroy()` (`DataDirInUseError`
 * when another live process holds it).
 */
export function openDatabase(options: DbOptions): Db {
  if (options.databaseUrl) {
    return knexFactory({
      client: 'pg',
      connection: { connectionString: options.databaseUrl, application_name: options.applicationName ?? 'exflow' },
      searchPath: options.schema ? [options.schema] : undefined,
      pool: { min: 0, max: options.poolMax ?? 10 },
    });
  }
  if (!options.dataDir)
    return knexFactory({ client: ClientPgLite as unknown as typeof knexFactory.Client, dialect: 'postgres', connection: {} } as Knex.Config);
  mkdirSync(options.dataDir, { recursive: true });
  const release = lockDataDir(options.dataDir);
  const db = knexFactory({
    client: ClientPgLite as unknown as typeof knexFactory.Client,
    dialect: 'postgres',
    connection: { filename: options.dataDir },
  } as Knex.Config);
  // the folder is free again once PGlite has closed it (knex's destroy() ends in its client's)
  const client = db.client as { destroy(callback?: unknown): Promise<void> };
  const destroy = client.destroy.bind(client);
  client.destroy = async (callback?: unknown) => {
    try {
      return await destroy(callback);
    } finally {
      release();
    }
  };
  return db;
}

/** Creates the schema if needed and runs every migration. */
export async function migrate(db: Db, schema?: string): Promise<void> {
  if (schema) await db.raw('CREATE SCHEMA IF NOT EXISTS ??', [schema]);
  await db.migrate.latest({ migrationSource, schemaName: schema });
  await enableRowLevelSecurity(db);
}
