import type { Db } from '../../src/store/db.js';

const TABLES = ['definitions', 'definition_versions', 'invoices', 'cases', 'case_events', 'effects', 'tasks', 'timers', 'audit', 'suppliers', 'purchase_orders', 'po_lines', 'goods_receipts'];

/** Row counts of every table, to show a refused request changed nothing. */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [{ n }] = await db(table).count({ n: '*' });
    counts[table] = Number(n);
  }
  return counts;
}
