import { describe, expect, it } from 'vitest';
import { invoiceFeatures, supplierHistory, toVector, FEATURE_NAMES, type HistoryInvoice, type Features } from '../src/ai/features.js';
import { featureReason } from '../src/ai/reasons.js';
import { scoreAnomaly } from '../src/ai/anomaly.js';
import type { Finding } from '../src/checks/finding.js';
import type { Invoice } from '../src/invoice/invoice.js';

const invoice = (over: Partial<Invoice> = {}): Invoice => ({
  documentType: 'invoice',
  invoiceNumber: 'INV-1',
  issueDate: '2026-03-31',
  currency: 'EUR',
  supplier: { id: 'SUP-1', name: 'Nordic Office', bankAccount: 'SE45500000000' },
  netTotal: '1000.00',
  taxTotal: '250.00',
  grossTotal: '1250.00',
  lines: [{ description: 'Ergonomic office chair', quantity: '10', unitPrice: '100.00', netAmount: '1000.00' }],
  ...over,
});

// a supplier that invoices about every 14 days, 1,000 to 1,400, always to one account, on weekdays
const earlier: HistoryInvoice[] = Array.from({ length: 8 }, (_, i) => ({
  issueDate: new Date(Date.UTC(2026, 0, 5 + i * 14)).toISOString().slice(0, 10),
  grossTotal: 1000 + (i % 5) * 100 + 7.5,
  bankAccount: 'SE45500000000',
  hadFindings: i % 4 === 0,
}));

describe('supplierHistory', () => {
  it('summarises volume, exceptions, intervals, amounts and bank accounts as of a date', () => {
    const h = supplierHistory(earlier, '2026-04-20');
    expect(h.count).toBe(8);
    expect(h.exceptionRate).toBe(0.25);
    expect(h.typicalIntervalDays).toBe(14);
    expect(h.daysSinceLast).toBe(7); // the last was on 13 April
    expect(h.knownBankAccounts).toEqual(['SE45500000000']);
    expect(h.bankChanges).toBe(0);
    expect(h.roundShare).toBe(0);
    expect(h.typicalAmount).toBeCloseTo(1157.5); // the median
  });
  it('counts bank account changes in date order', () => {
    const moved = [...earlier.slice(0, 4), ...earlier.slice(4).map((i) => ({ ...i, bankAccount: 'DE89370400' }))].reverse();
    expect(supplierHistory(moved, '2026-05-01').bankChanges).toBe(1);
  });
});

describe('invoiceFeatures', () => {
  const findings: Finding[] = [{ kind: 'priceVariance', severity: 'warning', message: 'over', valueAtRisk: '50', ruleId: 'EXF-priceVariance' }];
  const base = {
    channel: 'email' as const,
    findings,
    history: supplierHistory(earlier, '2026-03-31'),
    po: { found: true },
    variance: { pricePct: 5, quantity: 0 },
    priceTolerancePct: 2,
  };

  it('gives every named feature, in one order, deterministically', () => {
    const a = invoiceFeatures({ invoice: invoice(), ...base });
    expect(Object.keys(a).sort()).toEqual([...FEATURE_NAMES].sort());
    expect(toVector(a)).toEqual(toVector(invoiceFeatures({ invoice: invoice(), ...base })));
    expect(toVector(a)).toHaveLength(FEATURE_NAMES.length);
  });
  it('reads findings, variance against tolerance, channel, dates, history and text', () => {
    const f = invoiceFeatures({ invoice: invoice(), ...base });
    expect(f['finding.priceVariance']).toBe(1);
    expect(f['channel.email']).toBe(1);
    expect(f.variancePct).toBe(5);
    expect(f.varianceOverTolerancePct).toBe(3);
    expect(f.valueAtRiskShare).toBeCloseTo(50 / 1250);
    expect(f.monthEnd).toBe(1); // 31 March
    expect(f.weekend).toBe(0); // a Tuesday
    expect(f.roundAmount).toBe(0);
    expect(f.supplierExceptionRate).toBe(0.25);
    expect(f.newBankAccount).toBe(0);
    const text = FEATURE_NAMES.filter((n) => n.startsWith('text.')).reduce((s, n) => s + f[n]!, 0);
    expect(text).toBeCloseTo(1); // the bag of words is normalised
  });
  const describeFeature = (name: string, f: Features) => featureReason(name, f).text;
  it('says every feature in words an analyst reads, and as a code with the values it names', () => {
    const f = invoiceFeatures({ invoice: invoice(), ...base });
    expect(describeFeature('varianceOverTolerancePct', f)).toBe('Price variance 3.0 points beyond the tolerance');
    expect(describeFeature('finding.priceVariance', f)).toBe('Triage found a price variance');
    expect(describeFeature('channel.email', f)).toBe('Received through email');
    expect(describeFeature('supplierExceptionRate', f)).toBe("25 % of this supplier's earlier invoices had exceptions");
    for (const name of FEATURE_NAMES) expect(describeFeature(name, f), name).not.toBe(name);
    expect(featureReason('varianceOverTolerancePct', f)).toMatchObject({ code: 'beyondTolerance', params: { points: 3 } });
    expect(featureReason('finding.priceVariance', { 'finding.priceVariance': 2 })).toEqual({
      code: 'findingRepeated',
      params: { kind: 'priceVariance', times: 2 },
      text: 'Triage found a price variance (2 times)',
    });
  });
  it('marks a bank account the supplier never used, a round amount and a weekend date', () => {
    const odd = invoice({ issueDate: '2026-04-04', grossTotal: '5000.00', supplier: { name: 'Nordic Office', bankAccount: 'GB29NWBK6016' } });
    const f = invoiceFeatures({ invoice: odd, ...base, history: supplierHistory(earlier, '2026-04-04') });
    expect(f.newBankAccount).toBe(1);
    expect(f.roundAmount).toBe(1);
    expect(f.weekend).toBe(1);
    expect(f.amountZ).toBeGreaterThan(3);
  });
});

describe('scoreAnomaly', () => {
  it('scores an ordinary invoice low and an injected anomaly high, with reasons in words', () => {
    const ordinary = scoreAnomaly(invoice({ issueDate: '2026-04-27', grossTotal: '1207.50' }), supplierHistory(earlier, '2026-04-27'))!;
    expect(ordinary.score).toBeLessThan(0.2);
    expect(ordinary.factors).toEqual([]);
    const odd = invoice({ issueDate: '2026-04-04', grossTotal: '9000.00', supplier: { name: 'Nordic Office', bankAccount: 'GB29NWBK6016' } });
    const scored = scoreAnomaly(odd, supplierHistory(earlier, '2026-04-04'))!;
    expect(scored.score).toBeGreaterThan(0.8);
    expect(scored.factors.map((f) => f.feature)).toEqual(expect.arrayContaining(['newBankAccount', 'amountZ', 'roundAmount', 'weekend']));
    expect(scored.factors.find((f) => f.feature === 'newBankAccount')!.text).toMatch(/none of the supplier's 8 earlier invoices/);
    expect(scored.factors.find((f) => f.feature === 'newBankAccount')).toMatchObject({ code: 'unknownBankAccount', params: { account: 'GB29NW', count: 8 } });
    expect(scored.factors.find((f) => f.feature === 'roundAmount')!.text).toBe("Round amount 9,000.00; 0 % of this supplier's invoices are round");
    expect(scored.factors[0]!.weight).toBeGreaterThanOrEqual(scored.factors[1]!.weight);
  });
  it('does not score a supplier without history', () => {
    expect(scoreAnomaly(invoice(), supplierHistory(earlier.slice(0, 2), '2026-03-31'))).toBeNull();
  });
});
