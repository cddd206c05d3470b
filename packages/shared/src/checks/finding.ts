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
