import { describe, expect, it } from 'vitest';
import { taxCheck, type TaxRate } from '../src/index.js';
import { invoice } from './checkFixtures.js';

const rates: TaxRate[] = [
  { country: 'DE', rate: '19' },
  { country: 'DE', rate: '7' },
  { country: 'DE', rate: '16', validFrom: '2020-07-01', validTo: '2020-12-31' },
  { country: 'SE', rate: '25' },
];
const kinds = (r: ReturnType<typeof taxCheck>) => r.findings.map((f) => f.kind);

describe('taxCheck', () => {
  it('accepts a correct invoice', () => {
    const r = taxCheck(invoice(), { rates });
    expect(r).toMatchObject({ ok: true, country: 'DE', taxDifference: '0', netDifference: '0', grossDifference: '0', maxDifference: 0, invalidRates: [] });
    expect(r.lines[0]).toMatchObject({ expectedTax: '19', difference: '0', withinTolerance: true, rateValid: true });
  });

  it('line tolerance boundary: a difference exactly at the tolerance is accepted, a cent more is not', () => {
    // 10.05 × 19 % = 1.9095 → 1.91
    const line = (taxAmount: string) =>
      invoice({ netTotal: '10.05', taxTotal: taxAmount, grossTotal: String(10.05 + Number(taxAmount)) }, [{ netAmount: '10.05', taxAmount }]);
    expect(taxCheck(line('1.91'), { rates }).ok).toBe(true);
    expect(taxCheck(line('1.90'), { rates }, { lineTolerance: 0.01 }).ok).toBe(true);
    expect(taxCheck(line('1.92'), { rates }, { lineTolerance: 0.01 }).ok).toBe(true);
    const over = taxCheck(line('1.89'), { rates }, { lineTolerance: 0.01, headerTolerance: 0.05 });
    expect(kinds(over)).toEqual(['taxLineMismatch']);
    expect(over.findings[0]).toMatchObject({ lineId: '1', valueAtRisk: '0.02' });
    expect(taxCheck(line('1.90'), { rates }, { lineTolerance: 0, headerTolerance: 0.05 }).ok).toBe(false);
  });

  it('rounds half up to the currency minor unit (0.125 → 0.13; JPY has none)', () => {
    const half = invoice({ netTotal: '0.50', taxTotal: '0.13', grossTotal: '0.63', supplier: { name: 'S', country: 'SE' } }, [
      { netAmount: '0.50', taxRate: '25', taxAmount: '0.13' },
    ]);
    expect(taxCheck(half, { rates }, { lineTolerance: 0, headerTolerance: 0 }).ok).toBe(true);
    const yen = invoice({ currency: 'JPY', netTotal: '1005', taxTotal: '191', grossTotal: '1196' }, [{ netAmount: '1005', taxAmount: '191' }]);
    const r = taxCheck(yen, { rates }, { lineTolerance: 0, headerTolerance: 0 });
    expect(r.lines[0]!.expectedTax).toBe('191'); // 190.95 → 191
    expect(r.ok).toBe(true);
  });

  it('header tax must equal the lines, stated or recomputed per rate, within the header tolerance', () => {
    const lines = [
      { netAmount: '10.05', taxAmount: '1.91' },
      { netAmount: '10.05', taxAmount: '1.91' },
      { netAmount: '10.05', taxAmount: '1.91' },
    ];
    // stated line tax adds up to 5.73; per rate: 30.15 × 19 % = 5.7285 → 5.73
    const ok = invoice({ netTotal: '30.15', taxTotal: '5.73', grossTotal: '35.88' }, lines);
    expect(taxCheck(ok, { rates }, { headerTolerance: 0 }).ok).toBe(true);
    const atBoundary = invoice({ netTotal: '30.15', taxTotal: '5.74', grossTotal: '35.89' }, lines);
    expect(taxCheck(atBoundary, { rates }, { headerTolerance: 0.01 }).ok).toBe(true);
    const off = taxCheck(invoice({ netTotal: '30.15', taxTotal: '5.75', grossTotal: '35.90' }, lines), { rates }, { headerTolerance: 0.01 });
    expect(kinds(off)).toEqual(['taxTotalMismatch']);
    expect(off).toMatchObject({ taxDifference: '0.02', maxDifference: 0.02 });
  });

  it('checks the header against the per-rate computation when lines state no tax (EN 16931 style)', () => {
    const noLineTax = invoice({ netTotal: '300.00', taxTotal: '36.00', grossTotal: '336.00' }, [
      { netAmount: '100.00', taxRate: '19', taxAmount: undefined },
      { netAmount: '200.00', taxRate: '7', taxAmount: undefined },
    ]);
    noLineTax.lines.forEach((l) => delete l.taxAmount);
    expect(taxCheck(noLineTax, { rates }).ok).toBe(false); // 19 + 14 = 33
    expect(taxCheck({ ...noLineTax, taxTotal: '33.00', grossTotal: '333.00' }, { rates }).ok).toBe(true);
  });

  it('flags net, gross and payable arithmetic', () => {
    const r = taxCheck(invoice({ netTotal: '100.00', grossTotal: '120.00', payableAmount: '100.00', prepaidAmount: '10.00' }), { rates });
    expect(kinds(r)).toEqual(['arithmeticError', 'arithmeticError']);
    expect(r).toMatchObject({ grossDifference: '1', payableDifference: '-10', maxDifference: 10, valueAtRisk: '10.00' });
    const allowance = invoice({
      netTotal: '90.00',
      taxTotal: '17.10',
      grossTotal: '107.10',
      allowanceCharges: [{ kind: 'allowance', amount: '10.00', taxRate: '19' }],
    });
    expect(taxCheck(allowance, { rates })).toMatchObject({ ok: true, netDifference: '0' });
  });

  it('refuses a rate not valid in the supplier country on the issue date', () => {
    const r = taxCheck(invoice({ netTotal: '100.00', taxTotal: '16.00', grossTotal: '116.00' }, [{ taxRate: '16', taxAmount: '16.00' }]), { rates });
    expect(kinds(r)).toEqual(['taxRateInvalid']);
    expect(r.findings[0]).toMatchObject({ severity: 'high', valueAtRisk: '16.00' });
    expect(r.invalidRates).toEqual(['16']);
    const in2020 = invoice({ issueDate: '2020-10-01', netTotal: '100.00', taxTotal: '16.00', grossTotal: '116.00' }, [{ taxRate: '16', taxAmount: '16.00' }]);
    expect(taxCheck(in2020, { rates }).ok).toBe(true);
    const boundary = { ...in2020, issueDate: '2021-01-01' };
    expect(taxCheck(boundary, { rates }).ok).toBe(false);
  });

  it('takes the country from master data when the invoice has none, and skips rates it cannot check', () => {
    const noCountry = invoice({ supplier: { name: 'Nordic' }, netTotal: '100.00', taxTotal: '19.00', grossTotal: '119.00' });
    expect(taxCheck(noCountry, { country: 'SE', rates }).invalidRates).toEqual(['19']);
    expect(taxCheck(noCountry, { rates }).lines[0]!.rateValid).toBeNull();
    expect(taxCheck(noCountry, { country: 'FR', rates }).ok).toBe(true); // no FR rates known
    expect(taxCheck(noCountry, { country: 'SE', rates }, { checkRates: false }).ok).toBe(true);
  });

  it('zero-rated and reverse-charge lines are valid anywhere', () => {
    const reverse = invoice({ taxTotal: '0.00', grossTotal: '100.00' }, [{ taxRate: '0', taxAmount: '0.00', taxCategory: 'AE' }]);
    expect(taxCheck(reverse, { rates }).ok).toBe(true);
  });

  it('checks a credit note like an invoice, on its stated (positive) amounts', () => {
    expect(taxCheck(invoice({ documentType: 'creditNote' }), { rates }).ok).toBe(true);
    const wrong = taxCheck(invoice({ documentType: 'creditNote', taxTotal: '21.00', grossTotal: '121.00' }, [{ taxAmount: '21.00' }]), { rates });
    expect(kinds(wrong)).toEqual(['taxLineMismatch']); // the header does add up to the lines
    const negative = invoice({ netTotal: '-100.00', taxTotal: '-19.00', grossTotal: '-119.00' }, [
      { quantity: '-10', netAmount: '-100.00', taxAmount: '-19.00' },
    ]);
    expect(taxCheck(negative, { rates }).ok).toBe(true);
  });
});
