import {
  referenceCsvResultSchema,
  parseGoodsReceiptsCsv,
  parsePurchaseOrdersCsv,
  parseSuppliersCsv,
  type CsvIntakeError,
  type ReferenceCsvResult,
} from '@exflow/shared';
import { INTAKE } from '../../auth/roles.js';
import { unprocessable } from '../../errors.js';
import { createReferenceRepository } from '../../store/referenceRepository.js';
import { defineRoutes, type Route } from '../route.js';

const rawCsv = (what: string): Route['rawBody'] => ({ contentTypes: ['text/csv'], limit: '20mb', description: what });
const responses = {
  '200': '{ upserted, errors, warnings }: good rows stored, bad rows named (row, column, code)',
  '413': 'Larger than 20 MB',
  '415': 'Not text/csv',
  '422': 'Nothing could be read (header, or every row wrong); nothing stored',
};

/** A file with no good row is refused whole; otherwise the good rows are kept and the bad ones reported. */
function refuseIfNothingRead(result: { records: unknown[]; errors: CsvIntakeError[] }, what: string) {
  if (result.records.length === 0 && result.errors.length > 0) {
    throw unprocessable(
      'invalid-csv',
      `No ${what} could be read: ${result.errors
        .slice(0, 3)
        .map((e) => `row ${e.row}: ${e.message}`)
        .join('; ')}`,
      result.errors.map((e) => ({ path: `row ${e.row}${e.column ? `/${e.column}` : ''}`, message: e.message, code: e.code })),
    );
  }
}

const answer = (result: ReferenceCsvResult<unknown>, upserted: number, errors: CsvIntakeError[] = result.errors) => ({
  upserted,
  errors,
  warnings: result.warnings,
});

export const referenceCsvRoutes = defineRoutes([
  {
    method: 'post',
    path: '/reference/suppliers/csv',
    summary:
      "Insert or update suppliers from CSV: id, name, taxId, country, bankAccount, bankAccountChangedAt. A changed bank account is added to the supplier's history.",
    tag: 'reference data',
    roles: INTAKE,
    rawBody: rawCsv('Suppliers, one per row'),
    responses,
    responseSchemas: { '200': referenceCsvResultSchema },
    async handler(req, res, { db, principal }) {
      const result = parseSuppliersCsv(req.body as string);
      refuseIfNothingRead(result, 'supplier');
      await createReferenceRepository(db).upsertSuppliers(
        principal.tenantId,
        result.records.map((r) => r.value),
      );
      res.json(answer(result, result.records.length));
    },
  },
  {
    method: 'post',
    path: '/reference/purchase-orders/csv',
    summary:
      'Insert or update purchase orders from CSV, one row per PO line: poNumber, supplierId, currency, kind, businessUnit, lineId, description, quantity, unitPrice',
    tag: 'reference data',
    roles: INTAKE,
    rawBody: rawCsv('PO lines, one per row'),
    responses,
    responseSchemas: { '200': referenceCsvResultSchema },
    async handler(req, res, { db, principal }) {
      const result = parsePurchaseOrdersCsv(req.body as string);
      refuseIfNothingRead(result, 'purchase order');
      await createReferenceRepository(db).upsertPurchaseOrders(
        principal.tenantId,
        result.records.map((r) => r.value),
      );
      res.json(answer(result, result.records.length));
    },
  },
  {
    method: 'post',
    path: '/reference/goods-receipts/csv',
    summary:
      'Insert or update goods receipts from CSV: id, poNumber, lineId, quantity, receivedAt. A receipt for a PO line that does not exist is a row error.',
    tag: 'reference data',
    roles: INTAKE,
    rawBody: rawCsv('Goods receipts, one per row'),
    responses,
    responseSchemas: { '200': referenceCsvResultSchema },
    async handler(req, res, { db, principal }) {
      const result = parseGoodsReceiptsCsv(req.body as string);
      refuseIfNothingRead(result, 'goods receipt');
      const reference = createReferenceRepository(db);
      const missing = await reference.missingPoLines(
        principal.tenantId,
        result.records.map((r) => r.value),
      );
      const known = result.records.filter((r) => !missing.has(`${r.value.poNumber}\u0000${r.value.lineId}`));
      const errors: CsvIntakeError[] = [
        ...result.errors,
        ...result.records
          .filter((r) => missing.has(`${r.value.poNumber}\u0000${r.value.lineId}`))
          .map((r) => ({
            row: r.rows[0]!,
            column: 'lineId',
            code: 'csv.invalid' as const,
            message: `PO ${r.value.poNumber} has no line ${r.value.lineId}; upload the purchase order first.`,
          })),
      ];
      await reference.upsertGoodsReceipts(
        principal.tenantId,
        known.map((r) => r.value),
      );
      res.json(answer(result, known.length, errors));
    },
  },
]);
