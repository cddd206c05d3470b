import { Money } from './money.js';

/** Exception kinds from DOMAIN.md's taxonomy that the checks can report. */
export type ExceptionKind =
  // commercial mismatch
  | 'priceVariance'
  | 'quantityVariance'
  | 'missingGoodsReceipt'
  | 'unmatchedLine'
  | 'amountVariance'
  // data quality
  | 'missingPo'
  | 'poSupplierMismatch'
  | 'currencyMismatch'
  | 'unknownSupplier'
  | 'arithmeticError'
  // duplicate
  | 'duplicateInvoice'
  | 'suspectedDuplicate'
  // tax discrepancy
  | 'taxLineMismatch'
  | 'taxTotalMismatch'
  | 'taxRateInvalid'
  // supplier data conflict (fraud risk)
  | 'taxIdMismatch'
  | 'bankAccountMismatch'
  | 'bankAccountChanged';

export type Severity = 'info' | 'warning' | 'high';

/** One thing a check found, with the money it puts at risk (a decimal string). */
export interface Finding {
  kind: ExceptionKind;
  severity: Severity;
  message: string;
  lineId?: string;
  valueAtRisk: string;
}

/**
 * The most money any one finding puts at risk (findings of one check overlap, so they are not
 * added up), as a decimal string; "0" without findings.
 * @example largestValueAtRisk([{ valueAtRisk: '12.50', ... }, { valueAtRisk: '3', ... }]) // '12.50'
 */
export function largestValueAtRisk(findings: readonly Finding[]): string {
  let best: Finding | undefined;
  for (const f of findings) if (!best || new Money(f.valueAtRisk).gt(best.valueAtRisk)) best = f;
  return best?.valueAtRisk ?? '0';
}
