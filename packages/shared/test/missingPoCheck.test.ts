import { describe, expect, it } from 'vitest';
import { missingPoCheck, type PoHeader } from '../src/index.js';
import { invoice } from './checkFixtures.js';

const po: PoHeader = { poNumber: 'PO-1', supplierId: 'SUP-1', currency: 'EUR', kind: 'goods' };

describe('missingPoCheck', () => {
  it('passes an invoice whose PO exists, for its supplier and currency', () => {
    expect(missingPoCheck(invoice(), po)).toMatchObject({ ok: true, poFound: true, reason: null, valueAtRisk: '0', findings: [] });
  });

  it('no PO number: missing, unless within the non-PO limit (boundary inclusive)', () => {
    const noPo = invoice({ poNumber: undefined });
    expect(missingPoCheck(noPo, undefined)).toMatchObject({
      ok: false,
      reason: 'noPoNumber',
      findings: [expect.objectContaining({ kind: 'missingPo', valueAtRisk: '119.00' })],
    });
    expect(missingPoCheck(noPo, undefined, { nonPoLimit: 119 })).toMatchObject({ ok: true, nonPoSpend: true });
    expect(missingPoCheck(noPo, undefined, { nonPoLimit: 118.99 }).ok).toBe(false);
    expect(missingPoCheck(invoice({ poNumber: undefined, documentType: 'creditNote' }), undefined, { nonPoLimit: 200 }).ok).toBe(true);
  });

  it('a PO number that does not exist', () => {
    expect(missingPoCheck(invoice(), undefined, { nonPoLimit: 1000 })).toMatchObject({ ok: false, reason: 'poNotFound', poFound: false });
  });

  it("another supplier's PO", () => {
    expect(missingPoCheck(invoice(), { ...po, supplierId: 'SUP-9' })).toMatchObject({
      ok: false,
      reason: 'supplierMismatch',
      findings: [expect.objectContaining({ kind: 'poSupplierMismatch' })],
    });
  });

  it('multi-currency is refused, not converted', () => {
    expect(missingPoCheck(invoice({ currency: 'SEK' }), po)).toMatchObject({
      ok: false,
      reason: 'currencyMismatch',
      findings: [expect.objectContaining({ kind: 'currencyMismatch' })],
    });
  });
});
