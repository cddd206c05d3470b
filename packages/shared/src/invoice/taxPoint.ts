/**
 * What a document says about when its VAT became chargeable: the tax point date (BT-7) and the
 * code of the date it follows (BT-8). EN 16931 lets a document state one or the other (BR-CO-3).
 */
export interface TaxPointStatement {
  /** BT-7 as an ISO date. */
  taxPointDate?: string;
  /** BT-8: UNTDID 2005 in UBL (3, 35, 432), UNTDID 2475 in CII (5, 29, 72). */
  dateCode?: string;
  /** The actual delivery date (BT-72), which code 35 / 72 points to. */
  deliveryDate?: string;
  /** Names of the elements, for warnings. */
  taxPointPath: string;
  dateCodePath: string;
}

const INVOICE_DATE = new Set(['3', '5']);
const DELIVERY_DATE = new Set(['35', '72']);
const PAYMENT_DATE = new Set(['432', '29']);

/**
 * The canonical `taxPointDate` from BT-7, else from BT-8's code: "delivery date" takes the actual
 * delivery date (BT-72); "invoice date" needs no tax point (the issue date is used); "date of
 * payment" is not known at receipt, so the issue date is used with a warning.
 * @example taxPointFrom({ dateCode: '35', deliveryDate: '2018-12-20', taxPointPath: 'x', dateCodePath: 'y' }) // { taxPointDate: '2018-12-20', warnings: [] }
 */
export function taxPointFrom(statement: TaxPointStatement): { taxPointDate?: string; warnings: string[] } {
  const { taxPointDate, dateCode, deliveryDate } = statement;
  if (taxPointDate) {
    const warnings = dateCode
      ? [`${statement.taxPointPath} and ${statement.dateCodePath} are both stated (EN 16931 BR-CO-3 allows one); the tax point date ${taxPointDate} is used.`]
      : [];
    return { taxPointDate, warnings };
  }
  if (!dateCode || INVOICE_DATE.has(dateCode)) return { warnings: [] };
  if (DELIVERY_DATE.has(dateCode)) {
    return deliveryDate
      ? { taxPointDate: deliveryDate, warnings: [] }
      : {
          warnings: [
            `${statement.dateCodePath} ${dateCode} makes the delivery date the tax point, but no actual delivery date is stated; the issue date is used.`,
          ],
        };
  }
  const why = PAYMENT_DATE.has(dateCode) ? 'the date of payment, not known at receipt' : 'not a code EN 16931 lists';
  return { warnings: [`${statement.dateCodePath} ${dateCode} is ${why}; VAT rates are read on the issue date.`] };
}
