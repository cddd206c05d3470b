import { sumDecimals, type Amount, type IntakeDecimal } from './decimal.js';

/** The document's own totals and the parts they should add up from. */
export interface UblTotals {
  lineNetAmounts: Amount[];
  lineNetTotal?: Amount;
  allowances: IntakeDecimal[];
  charges: IntakeDecimal[];
  allowanceTotal?: Amount;
  chargeTotal?: Amount;
  netTotal?: Amount;
  taxTotal?: Amount;
  taxSubtotals: IntakeDecimal[];
  grossTotal?: Amount;
  prepaid?: Amount;
  rounding?: Amount;
  payable?: Amount;
}

/**
 * The EN 16931 sum rules (BR-CO-10 to BR-CO-16), as warnings. The document's figures are kept
 * as stated either way: deciding what a wrong sum means is the exception flow's job (an
 * arithmetic-error case), not intake's. A mismatch here also flags a line intake may have missed.
 */
export function totalsWarnings(t: UblTotals, root: string): string[] {
  const warnings: string[] = [];
  const total = `${root}/cac:LegalMonetaryTotal`;
  const zero = sumDecimals([]);
  const check = (rule: string, label: string, stated: Amount | undefined, expected: IntakeDecimal, how: string) => {
    if (stated && !stated.value.eq(expected)) {
      warnings.push(`${label} is ${stated.text} but ${how} gives ${expected.toFixed()} (EN 16931 ${rule}); the stated amount is kept.`);
    }
  };
  const lineNetTotal = t.lineNetTotal?.value ?? sumDecimals(t.lineNetAmounts.map((a) => a.value));
  const allowanceTotal = t.allowanceTotal?.value ?? zero;
  const chargeTotal = t.chargeTotal?.value ?? zero;

  check('BR-CO-10', `${total}/cbc:LineExtensionAmount`, t.lineNetTotal, sumDecimals(t.lineNetAmounts.map((a) => a.value)), 'the sum of the line net amounts');
  if (t.allowances.length > 0 || t.allowanceTotal) {
    check('BR-CO-11', `${total}/cbc:AllowanceTotalAmount`, t.allowanceTotal ?? { value: zero, text: '0' }, sumDecimals(t.allowances), 'the sum of the document-level allowances');
  }
  if (t.charges.length > 0 || t.chargeTotal) {
    check('BR-CO-12', `${total}/cbc:ChargeTotalAmount`, t.chargeTotal ?? { value: zero, text: '0' }, sumDecimals(t.charges), 'the sum of the document-level charges');
  }
  check('BR-CO-13', `${total}/cbc:TaxExclusiveAmount`, t.netTotal, lineNetTotal.minus(allowanceTotal).plus(chargeTotal), 'line total − allowances + charges');
  if (t.taxSubtotals.length > 0) {
    check('BR-CO-14', `${root}/cac:TaxTotal/cbc:TaxAmount`, t.taxTotal, sumDecimals(t.taxSubtotals), 'the sum of the tax subtotals');
  }
  if (t.netTotal && t.taxTotal) {
    check('BR-CO-15', `${total}/cbc:TaxInclusiveAmount`, t.grossTotal, t.netTotal.value.plus(t.taxTotal.value), 'net total + tax total');
  }
  if (t.grossTotal) {
    const expected = t.grossTotal.value.minus(t.prepaid?.value ?? zero).plus(t.rounding?.value ?? zero);
    check('BR-CO-16', `${total}/cbc:PayableAmount`, t.payable, expected, 'gross total − prepaid + rounding');
  }
  return warnings;
}
