import { describe, expect, it } from 'vitest';
import { threeWayMatch, type MatchPurchaseOrder } from '../src/index.js';
import { invoice } from './checkFixtures.js';

const po = (overrides: Partial<MatchPurchaseOrder> = {}, received = '10'): MatchPurchaseOrder => ({
  poNumber: 'PO-1',
  currency: 'EUR',
  kind: 'goods',
  lines: [{ lineId: '1', quantity: '10', unitPrice: '10.00', receivedQuantity: received }],
  ...overrides,
});

describe('threeWayMatch', () => {
  it('matches an invoice at PO price and received quantity', () => {
    expect(threeWayMatch(invoice(), po(), { priceTolerancePct: 2 })).toMatchObject({ withinTolerance: true, mode: '3-way', findings: [] });
  });

  it('price tolerance boundary: exactly 2 % over is within, 2.01 % is not', () => {
    const priced = (unitPrice: string) => invoice({}, [{ unitPrice, netAmount: (Number(unitPrice) * 10).toFixed(2) }]);
    expect(threeWayMatch(priced('10.20'), po(), { priceTolerancePct: 2 }).withinTolerance).toBe(true);
    const over = threeWayMatch(priced('10.201'), po(), { priceTolerancePct: 2 });
    expect(over.withinTolerance).toBe(false);
    expect(over.findings[0]).toMatchObject({ kind: 'priceVariance', valueAtRisk: '2.01' });
  });

  it('partial receipts: invoicing what was received so far matches; invoicing the rest does not', () => {
    const six = invoice({ netTotal: '60.00', taxTotal: '11.40', grossTotal: '71.40' }, [{ quantity: '6', netAmount: '60.00', taxAmount: '11.40' }]);
    expect(threeWayMatch(six, po({}, '6')).withinTolerance).toBe(true);
    const all = threeWayMatch(invoice(), po({}, '6'));
    expect(all.findings).toEqual([expect.objectContaining({ kind: 'quantityVariance', valueAtRisk: '40' })]);
    expect(all.lines[0]).toMatchObject({ receivedQuantity: '6', orderedQuantity: '10', quantityVariance: '4' });
  });

  it('nothing received yet is a missing goods receipt', () => {
    expect(threeWayMatch(invoice(), po({}, '0')).findings.map((f) => f.kind)).toEqual(['missingGoodsReceipt']);
  });

  it('service POs are matched 2-way: against the ordered quantity, with no receipt needed', () => {
    const service = po({ kind: 'service' }, '0');
    expect(threeWayMatch(invoice(), service)).toMatchObject({ withinTolerance: true, mode: '2-way' });
    const more = invoice({ netTotal: '120.00', taxTotal: '22.80', grossTotal: '142.80' }, [{ quantity: '12', netAmount: '120.00', taxAmount: '22.80' }]);
    const r = threeWayMatch(more, service);
    expect(r.findings).toEqual([expect.objectContaining({ kind: 'quantityVariance', valueAtRisk: '20' })]);
    expect(r.lines[0]).toMatchObject({ receivedQuantity: null, quantityVariance: '2' });
  });

  it('credit notes are not held for quantities (they return goods), but price is still checked', () => {
    const credit = invoice({ documentType: 'creditNote' });
    expect(threeWayMatch(credit, po({}, '0')).withinTolerance).toBe(true);
  });

  it('multi-currency is refused, not converted', () => {
    expect(threeWayMatch(invoice({ currency: 'USD' }), po()).findings.map((f) => f.kind)).toEqual(['currencyMismatch']);
  });
});
