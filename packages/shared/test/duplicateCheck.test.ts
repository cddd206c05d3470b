import { describe, expect, it } from 'vitest';
import { duplicateCheck, normaliseInvoiceNumber, sameSupplier, type EarlierInvoice } from '../src/index.js';
import { invoice } from './checkFixtures.js';

const earlier = (overrides: Partial<EarlierInvoice> = {}): EarlierInvoice => ({
  invoiceId: 'inv-earlier',
  invoiceNumber: 'INV-2026-0042',
  documentType: 'invoice',
  supplier: { id: 'SUP-1', name: 'Acme GmbH' },
  issueDate: '2026-11-10',
  currency: 'EUR',
  grossTotal: '119.00',
  caseId: 'case-1',
  caseStatus: 'resolved',
  ...overrides,
});

describe('normaliseInvoiceNumber', () => {
  it.each([
    ['INV-2026-0042', 'INV202642'],
    ['inv 2026/42', 'INV202642'],
    ['00042', '42'],
    ['A-0B', 'A0B'],
    ['100', '100'],
    ['0', '0'],
    ['RE.0001.7', 'RE17'],
  ])('%s → %s', (raw, key) => expect(normaliseInvoiceNumber(raw)).toBe(key));
});

describe('sameSupplier', () => {
  it('uses ids when both have one, then tax ids, then names', () => {
    expect(sameSupplier({ id: 'S1', name: 'A' }, { id: 'S2', name: 'A' })).toBe(false);
    expect(sameSupplier({ id: 'S1', name: 'A', taxId: 'DE1' }, { name: 'Other', taxId: 'de 1' })).toBe(true);
    expect(sameSupplier({ name: 'Acme GmbH' }, { name: 'ACME  gmbh.' })).toBe(true);
    expect(sameSupplier({ name: 'Acme GmbH' }, { name: 'Acme AG' })).toBe(false);
  });
});

describe('duplicateCheck', () => {
  it('finds nothing among unrelated invoices', () => {
    const r = duplicateCheck(invoice(), [earlier({ supplier: { id: 'SUP-2', name: 'Other' } }), earlier({ invoiceNumber: 'X-1', grossTotal: '50.00' })]);
    expect(r).toMatchObject({ ok: true, duplicate: false, suspected: false, match: null, compared: 2, valueAtRisk: '0', findings: [] });
  });

  it('an exact duplicate is the same supplier and normalised number, whatever the amount, date or currency', () => {
    const r = duplicateCheck(invoice(), [earlier({ invoiceNumber: 'inv/2026/42', grossTotal: '7.00', currency: 'SEK', issueDate: '2025-01-01' })]);
    expect(r.duplicate).toBe(true);
    expect(r.match).toMatchObject({ invoiceId: 'inv-earlier', match: 'exact', editDistance: 0, caseId: 'case-1' });
    expect(r.findings).toEqual([expect.objectContaining({ kind: 'duplicateInvoice', severity: 'high', valueAtRisk: '119.00' })]);
    expect(r.valueAtRisk).toBe('119.00');
  });

  it('a credit note is not a duplicate of the invoice it credits, but is of an earlier credit note', () => {
    const credit = invoice({ documentType: 'creditNote' });
    expect(duplicateCheck(credit, [earlier()]).ok).toBe(true);
    expect(duplicateCheck(credit, [earlier({ documentType: 'creditNote' })]).duplicate).toBe(true);
  });

  it('suspects a near-identical number with the same amount within the window', () => {
    const r = duplicateCheck(invoice(), [earlier({ invoiceNumber: 'INV-2026-0043', issueDate: '2026-11-03' })], { windowDays: 7, maxEditDistance: 1 });
    expect(r).toMatchObject({ ok: false, duplicate: false, suspected: true });
    expect(r.match).toMatchObject({ match: 'fuzzy', editDistance: 1, daysApart: 7 });
    expect(r.findings[0]).toMatchObject({ kind: 'suspectedDuplicate', severity: 'warning', valueAtRisk: '119.00' });
  });

  it('window boundary: exactly windowDays apart is suspect, one more day is not', () => {
    const near = (issueDate: string) => duplicateCheck(invoice(), [earlier({ invoiceNumber: 'INV-2026-0043', issueDate })], { windowDays: 14 });
    expect(near('2026-10-27').suspected).toBe(true); // 14 days before
    expect(near('2026-11-24').suspected).toBe(true); // 14 days after
    expect(near('2026-10-26').suspected).toBe(false); // 15 days
  });

  it('edit distance boundary: maxEditDistance edits is suspect, one more is not', () => {
    const check = (n: string) => duplicateCheck(invoice(), [earlier({ invoiceNumber: n })], { maxEditDistance: 2 });
    expect(check('INV-2026-0057').match?.editDistance).toBe(2);
    expect(check('INV-2026-0057').suspected).toBe(true);
    expect(check('INV-2026-0157').suspected).toBe(false); // 3 edits
  });

  it('fuzzy needs the same gross amount to the cent, in the same currency', () => {
    const check = (o: Partial<EarlierInvoice>) => duplicateCheck(invoice(), [earlier({ invoiceNumber: 'INV-2026-0043', ...o })]).suspected;
    expect(check({ grossTotal: '119' })).toBe(true); // same value, other scale
    expect(check({ grossTotal: '119.01' })).toBe(false);
    expect(check({ currency: 'USD' })).toBe(false); // not converted
  });

  it('short numbers are not near-identical just because they are short', () => {
    const r = duplicateCheck(invoice({ invoiceNumber: '7' }), [earlier({ invoiceNumber: '8' })], { maxEditDistance: 2 });
    expect(r.suspected).toBe(false);
  });

  it('prefers the exact match and then the closest fuzzy one as evidence', () => {
    const r = duplicateCheck(invoice(), [
      earlier({ invoiceId: 'far', invoiceNumber: 'INV-2026-0057' }),
      earlier({ invoiceId: 'near', invoiceNumber: 'INV-2026-0043' }),
    ]);
    expect(r.match?.invoiceId).toBe('near');
    const exact = duplicateCheck(invoice(), [earlier({ invoiceId: 'near', invoiceNumber: 'INV-2026-0043' }), earlier({ invoiceId: 'same' })]);
    expect(exact.match?.invoiceId).toBe('same');
  });
});
