import type { JsonSchema } from '@exflow/shared';
import { defineConnector } from '../connector.js';

const text = (maxLength = 200): JsonSchema => ({ type: 'string', minLength: 1, maxLength });
const decimal: JsonSchema = { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$', maxLength: 40 };
const object = (properties: Record<string, JsonSchema>, required: string[]): JsonSchema => ({ type: 'object', required, properties });
const path = (value: unknown) => encodeURIComponent(String(value));

const purchaseOrder = object(
  {
    poNumber: text(),
    supplierId: { type: ['string', 'null'], maxLength: 200 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    lines: {
      type: 'array',
      maxItems: 10_000,
      items: object({ lineId: text(), description: { type: ['string', 'null'], maxLength: 1000 }, quantity: decimal, unitPrice: decimal }, [
        'lineId',
        'quantity',
        'unitPrice',
      ]),
    },
  },
  ['poNumber', 'currency', 'lines'],
);
const receipt = object({ receiptId: text(), lineId: text(), quantity: decimal, receivedAt: { type: 'string', maxLength: 40 } }, [
  'receiptId',
  'lineId',
  'quantity',
]);

interface ErpPurchaseOrder {
  poNumber: string;
  supplierId?: string | null;
  currency: string;
  lines: { lineId: string; description?: string | null; quantity: string; unitPrice: string }[];
}
interface ErpReceipt {
  receiptId: string;
  lineId: string;
  quantity: string;
  receivedAt?: string;
}

/**
 * The reference ERP connector: a plain REST API (docs/erp-connector.openapi.yaml) for purchase
 * orders and their goods receipts, suppliers, invoice posting and payment holds; bearer or basic
 * auth from the credentials store. Writes carry the step's `Idempotency-Key`, so a retried post
 * is acted on once by an ERP that honours it.
 */
export const erpConnector = defineConnector({
  name: 'erp',
  label: 'ERP',
  configSchema: {
    type: 'object',
    required: ['baseUrl'],
    additionalProperties: false,
    properties: { baseUrl: { type: 'string', pattern: '^https?://', maxLength: 2000, description: 'Where the ERP API is, e.g. https://erp.example.com/api' } },
  },
  credentialTypes: ['bearer', 'basic'],
  timeoutMs: 10_000,
  breaker: { failures: 5, halfOpenAfterMs: 30_000 },
  retry: { attempts: 1, initialDelayMs: 100 },
  operations: {
    fetchPurchaseOrder: {
      summary: 'A purchase order with its lines and the goods received against it',
      input: object({ poNumber: text() }, ['poNumber']),
      output: object({ purchaseOrder, receipts: { type: 'array', maxItems: 10_000, items: receipt } }, ['purchaseOrder', 'receipts']),
      writes: false,
      async call(erp, { poNumber }) {
        const po = (await erp.request('GET', `/purchase-orders/${path(poNumber)}`)) as ErpPurchaseOrder;
        const receipts = (await erp.request('GET', `/purchase-orders/${path(poNumber)}/receipts`)) as ErpReceipt[];
        return { purchaseOrder: po, receipts };
      },
      reference: (answer) => {
        const { purchaseOrder: po, receipts } = answer as { purchaseOrder: ErpPurchaseOrder; receipts: ErpReceipt[] };
        return {
          purchaseOrders: [
            {
              poNumber: po.poNumber,
              supplierId: po.supplierId ?? undefined,
              currency: po.currency,
              lines: po.lines.map((l) => ({ ...l, description: l.description ?? undefined })),
            },
          ],
          receipts: receipts.map((r) => ({ id: r.receiptId, poNumber: po.poNumber, lineId: r.lineId, quantity: r.quantity, receivedAt: r.receivedAt })),
        };
      },
    },
    fetchSupplier: {
      summary: 'A supplier of the ERP master data',
      input: object({ supplierId: text() }, ['supplierId']),
      output: object(
        {
          supplierId: text(),
          name: text(500),
          taxId: { type: ['string', 'null'], maxLength: 100 },
          country: { type: ['string', 'null'], maxLength: 2 },
          bankAccount: { type: ['string', 'null'], maxLength: 100 },
        },
        ['supplierId', 'name'],
      ),
      writes: false,
      call: (erp, { supplierId }) => erp.request('GET', `/suppliers/${path(supplierId)}`),
    },
    postInvoice: {
      summary: 'Posts the invoice to the ERP (acted on once per Idempotency-Key)',
      input: object(
        {
          invoiceNumber: text(),
          supplierId: { type: ['string', 'null'], maxLength: 200 },
          poNumber: { type: ['string', 'null'], maxLength: 200 },
          currency: { type: 'string', pattern: '^[A-Z]{3}$' },
          grossTotal: decimal,
        },
        ['invoiceNumber', 'currency', 'grossTotal'],
      ),
      output: object({ documentId: text(), status: text(40) }, ['documentId']),
      writes: true,
      call: (erp, input) => erp.request('POST', '/invoices', input),
    },
    placePaymentHold: {
      summary: 'Stops payment of an invoice until the hold is released',
      input: object({ invoiceNumber: text(), supplierId: { type: ['string', 'null'], maxLength: 200 }, reason: text(1000) }, ['invoiceNumber', 'reason']),
      output: object({ holdId: text(), status: text(40) }, ['holdId']),
      writes: true,
      call: (erp, input) => erp.request('POST', '/payment-holds', input),
    },
    releasePaymentHold: {
      summary: 'Releases a payment hold',
      input: object({ holdId: text() }, ['holdId']),
      output: object({ holdId: text(), status: text(40) }, ['holdId']),
      writes: true,
      call: (erp, { holdId }) => erp.request('POST', `/payment-holds/${path(holdId)}/release`),
    },
  },
});
