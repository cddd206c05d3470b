/**
 * Engine throughput benchmark (not a test): raw single-row transactions per second against
 * persisted engine transitions per second, on PGlite and on PostgreSQL, with 8 concurrent
 * senders. Run: `pnpm bench:engine` (PostgreSQL from DATABASE_URL, default the local one).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { compile, parseInvoice, type Invoice } from '@exflow/shared';
import { createEngine } from '../src/engine/engine.js';
import { createDefinitionRepository } from '../src/store/definitionRepository.js';
import { migrate, openDatabase, type Db } from '../src/store/db.js';
import { newId } from '../src/store/ids.js';

const SENDERS = Number(process.env.BENCH_SENDERS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** Interleave the four measurements in this many slices (each SECONDS / ROUNDS long), so a load that moves meanwhile moves all of them alike. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
/** `pglite` or `postgres` for one database only. */
const ONLY = process.env.BENCH_DB;
const templates = new URL('../../../templates/ap-exceptions/', import.meta.url);
const flow = JSON.parse(readFileSync(new URL('price-variance.workflow.json', templates), 'utf8'));
const parsed = parseInvoice(JSON.parse(readFileSync(new URL('samples/price-5pct-over.json', templates), 'utf8')));
if (!parsed.ok) throw new Error('sample invoice invalid');
const invoice: Invoice = parsed.invoice;

async function forSeconds(seconds: number, senders: number, work: (sender: number) => Promise<void>): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: senders }, async (_, s) => {
      while (Date.now() < end) {
        await work(s);
        done++;
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  if (process.env.BENCH_CPU) console.log(`    (node process CPU: ${(((used.user + used.system) / 1e6 / seconds) * 100).toFixed(0)} % of one core)`);
  return done / seconds;
}

async function setup(db: Db) {
  await db('tenants').insert({ id: 'bench', name: 'Bench' }).onConflict('id').ignore();
  const id = newId();
  const definitions = createDefinitionRepository(db);
  await definitions.create('bench', id, flow, null);
  const compiled = compile(flow);
  if (!compiled.ok) throw new Error('flow does not compile');
  await db.transaction((trx) => createDefinitionRepository(trx).publish('bench', id, flow, compiled.flow, null));
  await db.raw('CREATE TABLE IF NOT EXISTS bench_raw (id text PRIMARY KEY, n integer NOT NULL, payload jsonb NOT NULL)');
  return id;
}

/** Opens one case per sender, waiting in its human task (it accepts case.comment forever). */
async function openCases(db: Db, definitionId: string, count: number) {
  const engine = createEngine({ db });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const change = await engine.startCase('bench', { definitionId, version: 1, invoiceId: null, invoice }, null);
    await engine.send('bench', change.caseId, { type: 'service.done', nodeId: 'match', result: { withinTolerance: false, maxPriceVariancePct: 5 } }, 'system');
    ids.push(change.caseId);
  }
  return { engine, ids };
}

/** The plain way: lock the row, rehydrate, update, insert event and audit, commit. */
async function naiveSend(db: Db, caseId: string, n: number) {
  await db.transaction(async (trx) => {
    const row = await trx('cases').where({ tenant_id: 'bench', id: caseId }).forUpdate().first();
    const snapshot = { ...row.snapshot, context: { ...row.snapshot.context, comments: row.snapshot.context.comments + 1 } };
    await trx('cases')
      .where({ tenant_id: 'bench', id: caseId })
      .update({ snapshot: JSON.stringify(snapshot), version: row.version + 1 });
    await trx('case_events').insert({
      tenant_id: 'bench',
      case_id: caseId,
      seq: row.version + 1,
      type: 'case.comment',
      payload: JSON.stringify({ text: `naive ${n}` }),
    });
    await trx('audit').insert({ tenant_id: 'bench', id: newId(), case_id: caseId, action: 'case.comment', entity: 'case', entity_id: caseId });
  });
}

async function run(name: string, db: Db, schema?: string) {
  await migrate(db, schema);
  const definitionId = await setup(db);
  const payload = JSON.stringify({ text: 'x'.repeat(40) });
  const insert = (q: Db) => q.raw('INSERT INTO bench_raw (id, n, payload) VALUES (?, 1, ?::jsonb)', [newId(), payload]);
  const { engine, ids } = await openCases(db, definitionId, SENDERS);
  const naiveCases = await openCases(db, definitionId, SENDERS);
  let n = 0;
  let [raw, autocommit, transitions, naive] = [0, 0, 0, 0];
  const slice = SECONDS / ROUNDS;
  for (let round = 0; round < ROUNDS; round++) {
    // the reference: one transaction (BEGIN, one single-row write, COMMIT) per operation
    raw += (await forSeconds(slice, SENDERS, () => db.transaction((trx) => insert(trx)).then(() => {}))) / ROUNDS;
    autocommit += (await forSeconds(slice, SENDERS, () => insert(db).then(() => {}))) / ROUNDS;
    transitions +=
      (await forSeconds(slice, SENDERS, (s) => engine.send('bench', ids[s], { type: 'case.comment', text: `bench ${n++}` }, 'bench').then(() => {}))) / ROUNDS;
    naive += (await forSeconds(slice, SENDERS, (s) => naiveSend(db, naiveCases.ids[s], n++))) / ROUNDS;
  }
  const line = (label: string, v: number) => console.log(`  ${label.padEnd(44)} ${v.toFixed(0).padStart(7)} /s`);
  console.log(`${name} (${SENDERS} concurrent senders, ${SECONDS} s each${ROUNDS > 1 ? `, interleaved in ${ROUNDS} slices` : ''})`);
  line('raw single-row transactions (BEGIN/INSERT/COMMIT)', raw);
  line('raw single-row autocommit INSERT (1 round trip)', autocommit);
  line('engine persisted transitions (send)', transitions);
  line('naive lock-rehydrate-update-insert loop', naive);
  console.log(
    `  engine / raw = ${((transitions / raw) * 100).toFixed(1)} %   naive / raw = ${((naive / raw) * 100).toFixed(1)} %   engine / autocommit = ${((transitions / autocommit) * 100).toFixed(1)} %`,
  );
  return { raw, autocommit, transitions, naive };
}

if (ONLY !== 'postgres') {
  const pglite = openDatabase({});
  await run('PGlite (in memory)', pglite);
  await pglite.destroy();
}

if (ONLY !== 'pglite') {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const pg = openDatabase({ databaseUrl: url, schema, poolMax: SENDERS + 2 });
  try {
    await run(`PostgreSQL (${url.replace(/\/\/[^@]*@/, '//')})`, pg, schema);
  } finally {
    await pg.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
    await pg.destroy();
  }
}
