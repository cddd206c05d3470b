import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
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

/** What knex's dialects hand `_query`: the statement, its bindings and the pg query config's extras. */
interface DialectQuery {
  sql: string;
  bindings?: unknown[];
  options?: Record<string, unknown>;
}

interface PgConnection {
  getTransactionStatus?(): string | null;
}

type PgDialectClass = new (config: Knex.Config) => { _query(connection: PgConnection, obj: DialectQuery): Promise<unknown> };

// knex's own PostgreSQL dialect, to extend (knex publishes no type for it)
const PgDialect = createRequire(import.meta.url)('knex/lib/dialects/postgres/index.js') as PgDialectClass;

/** A statement text becomes a named (prepared) statement the second time this Db sends it. */
const PREPARE_AT = 2;
/** At most this many texts are named per Db (each connection prepares those it runs), and this many counted. */
const MAX_NAMED = 400;
const MAX_COUNTED = 4_000;
/** One statement of the kinds a plan is cached for, with no second statement after a `;`. */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b[^;]*;?\s*$/i;

/**
 * knex's PostgreSQL dialect, with every repeated statement sent as a named prepared statement.
 * knex sends each query unnamed, so PostgreSQL parses, analyses and plans it every time; for
 * the runtime's statements (the transition's CTE, claims, the workers' polls) that cost as much
 * CPU as running them (docs/benchmarks.md, perf stop 4). pg prepares a named statement once per
 * connection and then only binds and executes it; PostgreSQL keeps its plan (after five
 * executions a generic one, when that is not dearer than planning for the values). The name
 * is a hash of the text, so a name never stands for two texts. Plans stay correct: PostgreSQL
 * replans a prepared statement when a table it reads changes, when the search path differs,
 * and for row-level security when the role differs (tenantScope.ts switches it), and policies
 * read `exflow_current_tenant()` at execution. The one case it refuses — a statement whose
 * result columns changed under it (a migration by another process) — is answered by naming the
 * text anew and, outside a transaction, running it again.
 */
const statementsByDb = new WeakMap<object, { texts: Map<string, number | string>; named: number }>();

class PreparingPgClient extends PgDialect {
  declare config: Knex.Config;

  /**
   * text → times seen, or its statement name once named; kept by the Db's config, which a
   * transaction's client shares (knex builds that one from the prototype, without our fields)
   */
  private get statements(): { texts: Map<string, number | string>; named: number } {
    let s = statementsByDb.get(this.config);
    if (!s) statementsByDb.set(this.config, (s = { texts: new Map(), named: 0 }));
    return s;
  }

  override async _query(connection: PgConnection, obj: DialectQuery): Promise<unknown> {
    const name = obj.options?.name === undefined ? this.nameFor(obj.sql) : undefined;
    if (!name) return super._query(connection, obj);
    obj.options = { ...obj.options, name };
    try {
      return await super._query(connection, obj);
    } catch (e) {
      if ((e as { code?: string }).code !== '0A000' || !/cached plan must not change result type/.test((e as Error).message)) throw e;
      // the text's next name is prepared afresh on each connection
      const renamed = `${name.replace(/_\d+$/, '')}_${Date.now() % 1e9}`;
      this.statements.texts.set(obj.sql, renamed);
      if (connection.getTransactionStatus?.() !== 'I') throw e;
      obj.options = { ...obj.options, name: renamed };
      return super._query(connection, obj);
    }
  }

  private nameFor(sql: string): string | undefined {
    const statements = this.statements;
    const known = statements.texts.get(sql);
    if (typeof known === 'string') return known;
    if (known === undefined) {
      if (statements.texts.size < MAX_COUNTED && PREPARABLE.test(sql)) statements.texts.set(sql, 1);
      return undefined;
    }
    if (known + 1 < PREPARE_AT || statements.named >= MAX_NAMED) {
      statements.texts.set(sql, known + 1);
      return undefined;
    }
    const name = `exflow_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    statements.named++;
    statements.texts.set(sql, name);
    return name;
  }
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
      client: PreparingPgClient as unknown as typeof knexFactory.Client,
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
