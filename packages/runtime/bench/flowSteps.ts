/**
 * The engine's pure JS of one bench case (not a test): the initial transition and the four
 * events of bench:cases' flow (match, review, approval, post; its decision included) and the
 * approval gate's `invoice.grossTotal`, no database. Prints the CPU a case costs with XState's
 * `transition()` / `initialTransition()` (an actor built per call) and with shared's
 * `flowTransition` / `flowInitialTransition` (one inert scope per machine), interleaved, best of
 * BENCH_ROUNDS (default 8) rounds of 1,000 cases each.
 * Run: `npx tsx --conditions=exflow-source bench/flowSteps.ts` (docs/benchmarks.md, perf stop 4).
 */
import {
  compile,
  createFlowMachine,
  evaluateFeel,
  feelContext,
  flowInitialTransition,
  flowTransition,
  invoiceForFeel,
  parseInvoice,
  type CaseContext,
  type CaseEvent,
} from '@exflow/shared';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { benchFlow, invoiceFor } from './support/benchTenant.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const CASES = 1000;

const compiled = compile(benchFlow);
if (!compiled.ok || !compiled.flow) throw new Error('bench flow does not compile');
const machine = createFlowMachine(compiled.flow);
const parsed = parseInvoice(invoiceFor(1));
if (!parsed.ok) throw new Error('bench invoice invalid');
const input = {
  invoice: invoiceForFeel(parsed.invoice),
  triage: { findings: [{ kind: 'priceVariance', severity: 'high', valueAtRisk: '125.00', lineId: '1' }], outcome: 'exception' },
};
const events: CaseEvent[] = [
  { type: 'service.done', nodeId: 'match', result: { withinTolerance: false, priceVariancePct: 5 } },
  { type: 'task.completed', nodeId: 'review', outcome: 'accept', data: {}, actor: 'analyst' },
  { type: 'task.completed', nodeId: 'approval', outcome: 'approve', data: {}, actor: 'approver' },
  { type: 'service.done', nodeId: 'post', result: { posted: true, reference: 'x' } },
];

type Step = (snapshot: AnyMachineSnapshot, event: CaseEvent) => AnyMachineSnapshot;
const ways: Record<string, { start: () => AnyMachineSnapshot; step: Step }> = {
  'XState transition()': {
    start: () => initialTransition(machine, input)[0] as AnyMachineSnapshot,
    step: (snapshot, event) => transition(machine, snapshot, event)[0] as AnyMachineSnapshot,
  },
  flowTransition: { start: () => flowInitialTransition(machine, input)[0], step: (snapshot, event) => flowTransition(machine, snapshot, event)[0] },
};

function oneCase(way: (typeof ways)[string]) {
  let snapshot = way.start();
  for (const event of events) snapshot = way.step(snapshot, event);
  if (snapshot.status !== 'done') throw new Error(`the case did not end: ${JSON.stringify(snapshot.value)}`);
  evaluateFeel('invoice.grossTotal', feelContext(snapshot.context as CaseContext));
}

const best = new Map<string, number>();
for (const way of Object.values(ways)) for (let i = 0; i < 200; i++) oneCase(way);
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, way] of Object.entries(ways)) {
    const before = process.cpuUsage();
    for (let i = 0; i < CASES; i++) oneCase(way);
    const used = process.cpuUsage(before);
    best.set(name, Math.min(best.get(name) ?? Infinity, (used.user + used.system) / CASES));
  }
}
for (const [name, us] of best) console.log(`${name.padEnd(20)} one case's steps: ${us.toFixed(0)} µs CPU (best of ${ROUNDS} × ${CASES})`);
