import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { purchaseOrderFrom, runCheck, runTestCase, validate, type FlowTestCase, type WorkflowDefinition } from '../src/index.js';

const templates = new URL('../../../templates/', import.meta.url);
const read = (path: string) => JSON.parse(readFileSync(new URL(path, templates), 'utf8'));
const TODAY = '2026-12-01';

/** Every flow of every template pack, with the test cases saved in it. */
const flows: { name: string; definition: WorkflowDefinition }[] = readdirSync(templates, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((pack) =>
    (read(`${pack.name}/pack.json`).flows as string[]).map((file) => ({ name: `${pack.name}/${file}`, definition: read(`${pack.name}/${file}`) })),
  );

describe('saved test cases of the template flows (CI runs each through the engine)', () => {
  it('price-variance has a test case for each of its branches', () => {
    const pv = flows.find((f) => f.definition.key === 'price-variance')!.definition;
    const ends = new Set(pv.testCases!.map((tc) => tc.expect.route.at(-1)));
    expect(ends).toEqual(new Set(['autoApproved', 'accepted', 'rejected']));
    expect(pv.testCases!.some((tc) => tc.expect.route.includes('controllerEscalation'))).toBe(true);
  });

  it.each(['duplicate-invoice', 'tax-discrepancy', 'approval-sla'])('%s has a test case for every decision branch, task outcome and end', (key) => {
    const definition = flows.find((f) => f.definition.key === key)!.definition;
    const runs = definition.testCases!.map((tc) => runTestCase(definition, tc, TODAY).route.join('>'));
    const ends = definition.nodes.filter((n) => n.kind === 'end').map((n) => n.id);
    expect(ends.filter((end) => !runs.some((route) => route.endsWith(`>${end}`)))).toEqual([]);
    // every edge out of a decision or a person's task is taken by some test case (a service's error edge needs a failing service)
    const branching = new Set(definition.nodes.filter((n) => n.kind === 'decision' || n.kind === 'humanTask').map((n) => n.id));
    const untaken = definition.edges.filter((e) => branching.has(e.source) && !runs.some((route) => `${route}>`.includes(`${e.source}>${e.target}>`)));
    expect(untaken.map((e) => e.id)).toEqual([]);
  });

  for (const { name, definition } of flows) {
    for (const testCase of definition.testCases ?? []) {
      it(`${name}: ${testCase.name}`, () => {
        expect(validate(definition, { sod: false }).problems.filter((p) => p.severity !== 'warning')).toEqual([]);
        const run = runTestCase(definition, testCase, TODAY);
        expect(run.problems).toEqual([]);
        expect(run.passed).toBe(true);
      });
    }
  }
});

describe('runTestCase', () => {
  const pv: WorkflowDefinition = read('ap-exceptions/price-variance.workflow.json');
  const [within, overAccepted] = pv.testCases!;

  it('runs the real 3-way match on the reference data: the same invoice takes the other branch when the PO price changes', () => {
    const run = runTestCase(pv, within, TODAY);
    expect((run.results.match as { withinTolerance: boolean }).withinTolerance).toBe(true);
    const dearer = structuredClone(within);
    dearer.reference!.purchaseOrders![0].lines[0].unitPrice = '110.00';
    const other = runTestCase(pv, dearer, TODAY);
    expect(other.route).toEqual(['start', 'match', 'withinTolerance', 'procurementReview']);
    expect(other.outcome).toBe('open');
    expect(other.passed).toBe(false);
    expect(other.problems[0]).toMatch(/^Route: expected start → match → withinTolerance → autoApproved, got .*procurementReview$/);
  });

  it('fails with the reason when a step cannot be done or the outcome differs', () => {
    const wrongOutcome: FlowTestCase = { ...overAccepted, expect: { ...overAccepted.expect, outcome: 'rejected' } };
    expect(runTestCase(pv, wrongOutcome, TODAY).problems).toEqual(['Outcome: expected rejected, got resolved']);
    const noTask: FlowTestCase = { ...overAccepted, steps: [{ complete: 'controllerEscalation', outcome: 'accept' }] };
    expect(runTestCase(pv, noTask, TODAY).problems[0]).toBe('controllerEscalation has no open task with outcome "accept"');
  });

  it('validate() names test cases that point at steps the flow does not have', () => {
    const broken = {
      ...pv,
      testCases: [
        { ...within, expect: { route: ['start', 'nowhere'] } },
        { ...within, steps: [{ timeout: 'gone' }] },
      ],
    };
    const problems = validate(broken, { sod: false }).problems;
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['testCase.unknownNode', '/testCases/0/expect/route/1'],
      ['testCase.duplicateId', '/testCases/1/id'],
      ['testCase.unknownNode', '/testCases/1/steps/0'],
    ]);
  });
});

describe('runCheck', () => {
  const reference = {
    purchaseOrders: [
      {
        poNumber: 'PO-1',
        currency: 'EUR',
        lines: [
          { lineId: '2', quantity: 5, unitPrice: '10' },
          { lineId: '1', quantity: '3', unitPrice: '4' },
        ],
      },
    ],
    goodsReceipts: [
      { id: 'a', poNumber: 'PO-1', lineId: '1', quantity: '1' },
      { id: 'b', poNumber: 'PO-1', lineId: '1', quantity: '1.5' },
    ],
  };
  it('sums the receipts per PO line, as the runtime query does', () => {
    expect(purchaseOrderFrom(reference, 'PO-1')?.lines.map((l) => [l.lineId, l.receivedQuantity])).toEqual([
      ['1', '2.5'],
      ['2', '0'],
    ]);
    expect(purchaseOrderFrom(reference, 'PO-2')).toBeUndefined();
  });
  it('answers undefined for a service that is not a check', () => {
    expect(runCheck('webhook', {} as never, reference, {}, TODAY)).toBeUndefined();
  });
});
