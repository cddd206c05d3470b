import type { WorkflowDefinition } from '@exflow/shared';
import { loadConfig } from '../../src/config/config.js';
import { startExflow } from '../../src/main.js';
import { createInsightRollup } from '../../src/store/insightRollup.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { BENCH_TENANT, benchFlow, setUpBenchTenant } from './benchTenant.js';
import { generateCases } from './generateCases.js';

export interface StoredCases {
  databaseUrl: string;
  /** the PostgreSQL schema that holds them; kept after the run, and reused when it already holds `cases` */
  schema: string;
  cases: number;
  openCases?: number;
  dueTimers?: number;
  flow?: WorkflowDefinition;
  audit?: boolean;
}

/**
 * A schema with the bench tenant, its published flow and `cases` generated cases (bench/support/
 * generateCases.ts), for the benchmarks that need work already stored. Migrated and set up by a
 * real Exflow (started without listening for long, then stopped); the cases are written through
 * SQL, then `ANALYZE`d. A schema that already holds the bench tenant's cases is reused as it is
 * (BENCH_SCHEMA names it), so a million cases are generated once.
 */
export async function prepareStoredCases(o: StoredCases, log = (line: string) => console.log(line)): Promise<{ definitionId: string }> {
  const db: Db = openDatabase({ databaseUrl: o.databaseUrl, schema: o.schema });
  try {
    const existing = await db
      .raw(
        `SELECT (SELECT count(*) FROM cases WHERE tenant_id = ?)::int AS cases,
           (SELECT id FROM definitions WHERE tenant_id = ? AND key = ?) AS definition_id`,
        [BENCH_TENANT, BENCH_TENANT, (o.flow ?? benchFlow).key],
      )
      .catch(() => undefined);
    const row = existing?.rows[0] as { cases: number; definition_id: string | null } | undefined;
    if (row?.definition_id && row.cases >= o.cases) {
      log(`  reusing schema ${o.schema}: ${row.cases.toLocaleString('en')} cases of the bench tenant`);
      await ensureRollup(db, log);
      return { definitionId: row.definition_id };
    }
    const config = {
      ...loadConfig({ EXFLOW_RATE_LIMIT_AUTH: '1000' }),
      port: 0,
      databaseUrl: o.databaseUrl,
      databaseSchema: o.schema,
      dataDir: '',
      seedDemo: false,
    };
    const running = await startExflow(config, { log: () => {} });
    let definitionId: string;
    try {
      definitionId = row?.definition_id ?? (await setUpBenchTenant(running, o.flow)).id;
    } finally {
      await running.stop();
    }
    const started = Date.now();
    const have = row?.cases ?? 0;
    await generateCases(db, {
      tenantId: BENCH_TENANT,
      definitionId,
      definitionVersion: 1,
      cases: o.cases - have,
      start: have,
      openCases: o.openCases,
      dueTimers: o.dueTimers,
      audit: o.audit,
      chunk: 2_000,
      onChunk: (done) => {
        if (done % 100_000 === 0 || done === o.cases - have)
          log(`  generated ${(have + done).toLocaleString('en')} cases in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      },
    });
    await db.raw('ANALYZE');
    await ensureRollup(db, log);
    return { definitionId };
  } finally {
    await db.destroy();
  }
}

/**
 * A live system keeps its insights rollup (migration 020) up to date as cases change; generated
 * cases come without it, and a runtime started on them builds it in the background (minutes at
 * a million cases, on one of its pooled connections), which a benchmark would then time as if it
 * were the cases' cost. So the rollup is built here, once per schema, before anything is timed.
 */
async function ensureRollup(db: Db, log: (line: string) => void) {
  const rollup = createInsightRollup(db);
  if (await rollup.since(BENCH_TENANT)) return;
  const started = Date.now();
  const rows = await rollup.rebuild(BENCH_TENANT);
  log(`  insights rollup built: ${rows.toLocaleString('en')} fact rows in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
