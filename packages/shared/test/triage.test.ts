import { describe, expect, it } from 'vitest';
import { chooseIntakeRoute, rankFindings, resolveCheckParams, triageParams, type Finding, type RoutingTable } from '../src/index.js';

const f = (kind: Finding['kind'], severity: Finding['severity'], valueAtRisk: string): Finding => ({ kind, severity, valueAtRisk, message: kind });
const table: RoutingTable = {
  rules: [
    { kinds: ['duplicateInvoice'], flow: 'dup', preempt: true },
    { kinds: ['priceVariance'], flow: 'small-price', when: 'finding.valueAtRisk < 100' },
    { kinds: ['priceVariance'], flow: 'price' },
    { kinds: ['missingPo'], flow: 'po' },
  ],
};
const flows = [{ key: 'dup' }, { key: 'small-price' }, { key: 'price' }, { key: 'po' }, { key: 'approval', trigger: 'invoice.grossTotal > 1000' }];

describe('rankFindings', () => {
  it('orders by severity, then value at risk, then kind', () => {
    const ranked = rankFindings([
      f('arithmeticError', 'warning', '5'),
      f('missingPo', 'high', '100'),
      f('duplicateInvoice', 'high', '100'),
      f('priceVariance', 'high', '200'),
    ]);
    expect(ranked.map((x) => x.kind)).toEqual(['priceVariance', 'duplicateInvoice', 'missingPo', 'arithmeticError']);
  });
});

describe('chooseIntakeRoute', () => {
  const invoice = { grossTotal: 50 };
  it('a preempting rule beats the caller-named flow; otherwise the caller wins', () => {
    expect(chooseIntakeRoute({ findings: [f('duplicateInvoice', 'high', '50')], table, invoice, flows, definitionKey: 'price' })).toMatchObject({
      flow: 'dup',
      by: 'routing',
      outcome: 'exception',
    });
    expect(chooseIntakeRoute({ findings: [f('missingPo', 'high', '50')], table, invoice, flows, definitionKey: 'price' })).toMatchObject({
      flow: 'price',
      by: 'definition',
      outcome: 'exception',
    });
    expect(chooseIntakeRoute({ findings: [], table, invoice, flows, definitionKey: 'price' })).toMatchObject({
      flow: 'price',
      by: 'definition',
      outcome: 'started',
    });
  });

  it('the riskiest finding a rule matches decides; FEEL conditions see the finding', () => {
    expect(chooseIntakeRoute({ findings: [f('priceVariance', 'warning', '20')], table, invoice, flows })).toMatchObject({ flow: 'small-price', rule: 1 });
    expect(chooseIntakeRoute({ findings: [f('priceVariance', 'warning', '500')], table, invoice, flows })).toMatchObject({ flow: 'price', rule: 2 });
    expect(chooseIntakeRoute({ findings: [f('priceVariance', 'warning', '500'), f('missingPo', 'high', '50')], table, invoice, flows })).toMatchObject({
      flow: 'po',
    });
  });

  it('clean: a trigger flow that is not a routing target, else touchless; unmatched findings are unrouted', () => {
    expect(chooseIntakeRoute({ findings: [], table, invoice: { grossTotal: 5000 }, flows })).toMatchObject({
      flow: 'approval',
      by: 'trigger',
      outcome: 'started',
    });
    expect(chooseIntakeRoute({ findings: [], table, invoice, flows })).toMatchObject({ flow: null, outcome: 'touchless' });
    expect(chooseIntakeRoute({ findings: [f('taxRateInvalid', 'high', '3')], table, invoice, flows })).toMatchObject({ flow: null, outcome: 'unrouted' });
    // without a routing table every flow's trigger counts, as before triage
    expect(chooseIntakeRoute({ findings: [], table: { rules: [] }, invoice, flows: [{ key: 'price', trigger: 'true' }] })).toMatchObject({
      flow: 'price',
      by: 'trigger',
    });
  });

  it('skips rules whose flow is not published', () => {
    expect(chooseIntakeRoute({ findings: [f('missingPo', 'high', '50')], table, invoice, flows: flows.filter((x) => x.key !== 'po') })).toMatchObject({
      flow: null,
      outcome: 'unrouted',
    });
  });
});

describe('check parameters', () => {
  it('triage: defaults, then the policy', () => {
    expect(triageParams({}).threeWayMatch.priceTolerancePct).toBe(2);
    expect(triageParams({ priceTolerancePct: 10, duplicateWindowDays: 3 })).toMatchObject({
      threeWayMatch: { priceTolerancePct: 10 },
      duplicateCheck: { windowDays: 3, maxEditDistance: 2 },
    });
  });

  it('a node: the policy wins unless it lets flows override; keys the policy does not set come from the node', () => {
    expect(resolveCheckParams('threeWayMatch', { priceTolerancePct: 10 }, { priceTolerancePct: 2, quantityTolerancePct: 5 })).toEqual({
      priceTolerancePct: 10,
      quantityTolerancePct: 5,
    });
    expect(resolveCheckParams('threeWayMatch', { priceTolerancePct: 10, flowOverridableParams: ['priceTolerancePct'] }, { priceTolerancePct: 2 })).toEqual({
      priceTolerancePct: 2,
    });
    expect(resolveCheckParams('webhook', { priceTolerancePct: 10 }, { url: 'x' })).toEqual({ url: 'x' });
  });
});
