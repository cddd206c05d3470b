/**
 * Process-mining export benchmark (not a test): builds the OCEL 2.0 log, the XES traces and the
 * OCEL 2.0 SQLite file of N synthetic cases (default 10,000: one invoice with one finding, two
 * tasks claimed and completed, three step stays each; 50 suppliers, 500 POs), in pages of 200
 * cases as the export route does, without the database. Prints time, size and memory.
 *
 *   npx -y pnpm@10.34.8 --filter @exflow/runtime bench:export [cases]
 */
import { OCEL_EVENT_TYPES, OCEL_OBJECT_TYPES, ocelPage, xesTraces, type EventLogPage, type OcelLog } from '@exflow/shared';
import { writeOcelSqlite } from '../src/insights/ocelSqlite.js';

const N = Number(process.argv[2] ?? 10000);
const t0 = Date.parse('2026-11-01T00:00:00Z');
const at = (ms: number) => new Date(t0 + ms).toISOString();
const pages: EventLogPage[] = [];
for (let p = 0; p < N / 200; p++) {
  const page: EventLogPage = { cases: [], invoices: [], tasks: [], stepVisits: [] };
  for (let k = 0; k < 200; k++) {
    const i = p * 200 + k;
    const base = i * 60_000;
    page.invoices.push({
      id: `inv${i}`,
      invoiceNumber: `N${i}`,
      supplier: `SUP-${i % 50}`,
      supplierName: `Supplier ${i % 50}`,
      poNumber: `PO-${i % 500}`,
      businessUnit: 'Ops',
      currency: 'EUR',
      grossTotal: '1875.00',
      channel: 'api',
      receivedAt: at(base),
      findings: [{ kind: 'priceVariance', severity: 'warning', valueAtRisk: '60.00', ruleId: 'r' }],
    });
    page.cases.push({
      id: `c${i}`,
      invoiceId: `inv${i}`,
      definitionId: 'd',
      definitionVersion: 1,
      status: 'resolved',
      outcome: 'resolved',
      exceptionKind: 'priceVariance',
      openedAt: at(base + 1000),
      closedAt: at(base + 90_000_000),
    });
    for (const [n, node] of ['review', 'approve'].entries()) {
      page.tasks.push({
        id: `t${i}-${n}`,
        caseId: `c${i}`,
        nodeId: node,
        queue: 'ap',
        status: 'completed',
        outcome: 'ok',
        createdAt: at(base + 2000 + n * 1e6),
        claimedAt: [at(base + 3000 + n * 1e6)],
        completedAt: at(base + 4000 + n * 1e6),
      });
    }
    for (const [v, node] of ['match', 'review', 'approve'].entries())
      page.stepVisits.push({ caseId: `c${i}`, nodeId: node, visit: 1, enteredAt: at(base + v * 1e6), leftAt: at(base + (v + 1) * 1e6) });
  }
  pages.push(page);
}
let t = performance.now();
const seen = new Set<string>();
let bytes = 0;
const log: OcelLog = { objectTypes: OCEL_OBJECT_TYPES, eventTypes: OCEL_EVENT_TYPES, objects: [], events: [] };
for (const page of pages) {
  const { objects, events } = ocelPage(page, seen);
  bytes += JSON.stringify(objects).length + JSON.stringify(events).length;
  log.objects.push(...objects);
  log.events.push(...events);
}
console.log(
  `ocel json: ${N} cases, ${log.objects.length} objects, ${log.events.length} events, ${(bytes / 1e6).toFixed(1)} MB in ${(performance.now() - t).toFixed(0)} ms`,
);
t = performance.now();
let xes = 0;
const seen2 = new Set<string>();
for (const page of pages) xes += xesTraces(page, ocelPage(page, seen2)).length;
console.log(`xes: ${(xes / 1e6).toFixed(1)} MB in ${(performance.now() - t).toFixed(0)} ms`);
t = performance.now();
const file = await writeOcelSqlite(log);
console.log(`sqlite: ${(file.length / 1e6).toFixed(1)} MB in ${(performance.now() - t).toFixed(0)} ms; rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
