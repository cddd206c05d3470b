import { Money } from './money.js';

/**
 * Exception kinds from DOMAIN.md's taxonomy that the checks can report, riskiest first: when
 * two findings weigh the same (severity, value at risk), the earlier kind decides the route.
 */
export const EXCEPTION_KINDS = [
  // duplicate and supplier data conflict (payment and fraud risk)
  'duplicateInvoice',
  'bankAccountChanged',
  'bankAccountMismatch',
  'taxIdMismatch',
  'unknownSupplier',
  'suspectedDuplicate',
  // data quality
  'missingPo',
  'poSupplierMismatch',
  'currencyMismatch',
  // commercial mismatch
  'priceVariance',
  'amountVariance',
  'quantityVariance',
  'missingGoodsReceipt',
  'unmatchedLine',
  // tax discrepancy and arithmetic
  'taxRateInvalid',
  'taxTotalMismatch',
  'taxLineMismatch',
  'arithmeticError',
] as const;

export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

export type Severity = 'info' | 'warning' | 'high';

/** One thing a check found, with the money it puts at risk (a decimal string). */
export interface Finding {
  kind: ExceptionKind;
  severity: Severity;
  message: string;
  lineId?: string;
  valueAtRisk: string;
  /** The business rule broken, when a standard names it (EN 16931 "BR-CO-16"), else an Exflow rule id. */
  ruleId?: string;
  /** The figures behind the message (stated, computed, difference; the earlier invoice of a duplicate). */
  figures?: Record<string, unknown>;
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
