import type { Db } from '../../src/store/db.js';
import { eventually, PATIENCE_MS } from './http.js';

const TABLES = [
  'definitions',
  'definition_versions',
  'invoices',
  'cases',
  'case_events',
  'effects',
  'tasks',
  'timers',
  'audit',
  'suppliers',
  'supplier_bank_accounts',
  'purchase_orders',
  'po_lines',
  'goods_receipts',
];

/** Row counts of every table, to show a refused request changed nothing. */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [{ n }] = await db(table).count({ n: '*' });
    counts[table] = Number(n);
  }
  return counts;
}

/** Waits until no effect is pending or running anywhere, so nothing moves under a count. */
export async function quiescent(db: Db, ms = PATIENCE_MS): Promise<void> {
  await eventually(
    async () => {
      const [{ n }] = await db('effects').whereIn('status', ['pending', 'running']).count({ n: '*' });
      return Number(n) === 0;
    },
    ms,
    'every effect to finish',
  );
}
