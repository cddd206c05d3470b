/** Exception kinds from DOMAIN.md's taxonomy that the checks can report. */
export type ExceptionKind =
  | 'priceVariance'
  | 'quantityVariance'
  | 'missingGoodsReceipt'
  | 'missingPo'
  | 'unmatchedLine'
  | 'currencyMismatch'
  | 'amountVariance';

export type Severity = 'info' | 'warning' | 'high';

/** One thing a check found, with the money it puts at risk (a decimal string). */
export interface Finding {
  kind: ExceptionKind;
  severity: Severity;
  message: string;
  lineId?: string;
  valueAtRisk: string;
}
