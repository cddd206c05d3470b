import { amountFromText, sumDecimals, type Amount, type IntakeDecimal } from './decimal.js';

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

/** The element names the sum-rule warnings use, so each syntax reads in its own vocabulary. */
export interface TotalNames {
  total: string;
  lineNetTotal: string;
  allowanceTotal: string;
  chargeTotal: string;
  netTotal: string;
  /** Relative to the root, not to `total`. */
  taxTotal: string;
  grossTotal: string;
  payable: string;
}

const UBL_TOTAL_NAMES: TotalNames = {
  total: 'cac:LegalMonetaryTotal',
  lineNetTotal: 'cbc:LineExtensionAmount',
  allowanceTotal: 'cbc:AllowanceTotalAmount',
  chargeTotal: 'cbc:ChargeTotalAmount',
  netTotal: 'cbc:TaxExclusiveAmount',
  taxTotal: 'cac:TaxTotal/cbc:TaxAmount',
  grossTotal: 'cbc:TaxInclusiveAmount',
  payable: 'cbc:PayableAmount',
};

/**
 * The EN 16931 sum rules (BR-CO-10 to BR-CO-16), as warnings. The document's figures are kept
 * as stated either way: deciding what a wrong sum means is the exception flow's job (an
 * arithmetic-error case), not intake's. A mismatch here also flags a line intake may have missed.
 */
export function totalsWarnings(t: UblTotals, root: string, names: TotalNames = UBL_TOTAL_NAMES): string[] {
  const warnings: string[] = [];
  const total = `${root}/${names.total}`;
  const zero = sumDecimals([]);
  const check = (rule: string, label: string, stated: Amount | undefined, expected: IntakeDecimal, how: string) => {
    if (stated && !stated.value.eq(expected)) {
      warnings.push(`${label} is ${stated.text} but ${how} gives ${expected.toFixed()} (EN 16931 ${rule}); the stated amount is kept.`);
    }
  };
  const lineNetTotal = t.lineNetTotal?.value ?? sumDecimals(t.lineNetAmounts.map((a) => a.value));
  const allowanceTotal = t.allowanceTotal?.value ?? zero;
  const chargeTotal = t.chargeTotal?.value ?? zero;

  check('BR-CO-10', `${total}/${names.lineNetTotal}`, t.lineNetTotal, sumDecimals(t.lineNetAmounts.map((a) => a.value)), 'the sum of the line net amounts');
  if (t.allowances.length > 0 || t.allowanceTotal) {
    check(
      'BR-CO-11',
      `${total}/${names.allowanceTotal}`,
      t.allowanceTotal ?? { value: zero, text: '0' },
      sumDecimals(t.allowances),
      'the sum of the document-level allowances',
    );
  }
  if (t.charges.length > 0 || t.chargeTotal) {
    check(
      'BR-CO-12',
      `${total}/${names.chargeTotal}`,
      t.chargeTotal ?? { value: zero, text: '0' },
      sumDecimals(t.charges),
      'the sum of the document-level charges',
    );
  }
  check('BR-CO-13', `${total}/${names.netTotal}`, t.netTotal, lineNetTotal.minus(allowanceTotal).plus(chargeTotal), 'line total − allowances + charges');
  if (t.taxSubtotals.length > 0) {
    check('BR-CO-14', `${root}/${names.taxTotal}`, t.taxTotal, sumDecimals(t.taxSubtotals), 'the sum of the tax subtotals');
  }
  if (t.netTotal && t.taxTotal) {
    check('BR-CO-15', `${total}/${names.grossTotal}`, t.grossTotal, t.netTotal.value.plus(t.taxTotal.value), 'net total + tax total');
  }
  if (t.grossTotal) {
    const expected = t.grossTotal.value.minus(t.prepaid?.value ?? zero).plus(t.rounding?.value ?? zero);
    check('BR-CO-16', `${total}/${names.payable}`, t.payable, expected, 'gross total − prepaid + rounding');
  }
  return warnings;
}

/** What a reader of either XML syntax has gathered: the stated totals and the parts they should add up from. */
export interface DocumentParts {
  totals: Omit<UblTotals, 'lineNetAmounts' | 'allowances' | 'charges' | 'taxTotal' | 'taxSubtotals'>;
  lines: readonly { netAmount: Amount }[];
  allowanceCharges: readonly { kind: string; amount: string }[];
  taxTotal: Amount;
  taxBreakdown: readonly { taxAmount: string }[];
}

/** The sum-rule warnings of a UBL or CII document, from the parts its reader gathered. */
export function documentTotalsWarnings(parts: DocumentParts, root: string, names?: TotalNames): string[] {
  const valuesOf = (texts: string[]) => texts.map((t) => (amountFromText(t) as Amount).value);
  const amountsOf = (kind: string) => valuesOf(parts.allowanceCharges.filter((a) => a.kind === kind).map((a) => a.amount));
  return totalsWarnings(
    {
      ...parts.totals,
      lineNetAmounts: parts.lines.map((l) => l.netAmount),
      allowances: amountsOf('allowance'),
      charges: amountsOf('charge'),
      taxTotal: parts.taxTotal,
      taxSubtotals: valuesOf(parts.taxBreakdown.map((t) => t.taxAmount)),
    },
    root,
    names,
  );
}
