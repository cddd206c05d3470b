import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/store/db.js';

// store/db.ts: on PostgreSQL a statement text sent a second time becomes a named prepared statement
describe.runIf(process.env.DATABASE_URL)('repeated statements are prepared once per connection (PostgreSQL)', () => {
  const schemas = [`prep_${randomBytes(4).toString('hex')}`, `prep_${randomBytes(4).toString('hex')}`];
  let admin: Db;
  let dbs: Db[];

  beforeAll(async () => {
    admin = openDatabase({ databaseUrl: process.env.DATABASE_URL });
    for (const [i, schema] of schemas.entries()) {
      await admin.raw('CREATE SCHEMA ??', [schema]);
      await admin.raw('CREATE TABLE ??.items (id int PRIMARY KEY, label text)', [schema]);
      await admin.raw('INSERT INTO ??.items VALUES (1, ?)', [schema, `schema ${i}`]);
    }
    // one connection each, so the statements of a test all run on the same one
    dbs = schemas.map((schema) => openDatabase({ databaseUrl: process.env.DATABASE_URL, schema, poolMax: 1 }));
  });

  afterAll(async () => {
    for (const db of dbs ?? []) await db.destroy();
    for (const schema of schemas) await admin?.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
    await admin?.destroy();
  });

  const prepared = async (db: Db): Promise<string[]> =>
    (await db.raw(`SELECT statement FROM pg_prepared_statements WHERE name LIKE 'exflow\\_%'`)).rows.map((r: { statement: string }) => r.statement);

  it('names a text the second time it is sent, and each schema reads its own rows through it', async () => {
    const [a, b] = dbs as [Db, Db];
    const read = (db: Db) => db('items').where({ id: 1 }).first('label');
    expect(await read(a)).toEqual({ label: 'schema 0' });
    expect((await prepared(a)).some((s) => s.includes('"items"'))).toBe(false);
    expect(await read(a)).toEqual({ label: 'schema 0' });
    expect((await prepared(a)).some((s) => s.includes('"items"'))).toBe(true);
    // the same text on the other database's connection, in its own schema
    expect(await read(b)).toEqual({ label: 'schema 1' });
    expect(await read(b)).toEqual({ label: 'schema 1' });
    expect(await read(b)).toEqual({ label: 'schema 1' });
    // inside a transaction too (knex gives it a client of its own)
    expect(await a.transaction((trx) => read(trx))).toEqual({ label: 'schema 0' });
  });

  it('answers a prepared statement whose table gained a column under it, outside a transaction', async () => {
    const [a] = dbs as [Db];
    const all = () => a.raw('SELECT * FROM items WHERE id = ?', [1]);
    await all();
    expect((await all()).rows).toEqual([{ id: 1, label: 'schema 0' }]);
    // another process migrates: the prepared SELECT * would now return another row type
    await admin.raw('ALTER TABLE ??.items ADD COLUMN note text', [schemas[0]]);
    expect((await all()).rows).toEqual([{ id: 1, label: 'schema 0', note: null }]);
    expect((await all()).rows).toEqual([{ id: 1, label: 'schema 0', note: null }]);
  });

  it('filters a text named as the owner by row-level security when a transaction switches role, as a tenant scope does', async () => {
    const [a] = dbs as [Db];
    const schema = schemas[0]!;
    const role = `${schema}_reader`;
    await admin.raw('INSERT INTO ??.items VALUES (2, ?)', [schema, 'other']);
    await admin.raw('ALTER TABLE ??.items ENABLE ROW LEVEL SECURITY', [schema]);
    // the policy reads a setting at execution, as exflow_current_tenant() does (tenantScope.ts)
    await admin.raw(`CREATE POLICY only_label ON ??.items USING (label = current_setting('prep.label', true))`, [schema]);
    await admin.raw(`CREATE ROLE ?? NOLOGIN`, [role]);
    try {
      await admin.raw('GRANT USAGE ON SCHEMA ?? TO ??', [schema, role]);
      await admin.raw('GRANT SELECT ON ??.items TO ??', [schema, role]);
      const labels = async (db: Db) => (await db.raw('SELECT label FROM items ORDER BY id')).rows.map((r: { label: string }) => r.label);
      // named, and planned, by the owner, whom row-level security does not restrict
      expect(await labels(a)).toEqual(['schema 0', 'other']);
      expect(await labels(a)).toEqual(['schema 0', 'other']);
      expect((await prepared(a)).some((s) => s.includes('SELECT label FROM items'))).toBe(true);
      for (const label of ['other', 'schema 0']) {
        const seen = await a.transaction(async (trx) => {
          await trx.raw(`SELECT set_config('prep.label', ?, true), set_config('role', ?, true)`, [label, role]);
          return labels(trx);
        });
        expect(seen).toEqual([label]);
      }
      expect(await labels(a)).toEqual(['schema 0', 'other']);
    } finally {
      await admin.raw('DROP POLICY only_label ON ??.items', [schema]);
      await admin.raw('ALTER TABLE ??.items DISABLE ROW LEVEL SECURITY', [schema]);
      await admin.raw('DELETE FROM ??.items WHERE id = 2', [schema]);
      await admin.raw('REVOKE ALL ON ??.items FROM ??', [schema, role]);
      await admin.raw('REVOKE ALL ON SCHEMA ?? FROM ??', [schema, role]);
      await admin.raw('DROP ROLE ??', [role]);
    }
  });

  it('keeps statements with a second statement after a semicolon unnamed', async () => {
    const [a] = dbs as [Db];
    for (let i = 0; i < 3; i++) await a.raw('SELECT 1 AS one; SELECT 2 AS two');
    expect((await prepared(a)).some((s) => s.includes('SELECT 2 AS two'))).toBe(false);
  });
});

describe('repeated statements on PGlite', () => {
  let db: Db;
  beforeAll(() => {
    db = openDatabase({});
  });
  afterAll(() => db?.destroy());

  it('run as before, unnamed', async () => {
    for (let i = 0; i < 3; i++) expect((await db.raw('SELECT ?::int + 1 AS n', [i])).rows).toEqual([{ n: i + 1 }]);
  });
});
