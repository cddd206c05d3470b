import { referenceUpsertedSchema } from '@exflow/shared';
import { INTAKE } from '../../auth/roles.js';
import { createReferenceRepository, type GoodsReceiptInput, type PurchaseOrderInput, type SupplierInput } from '../../store/referenceRepository.js';
import { defineRoutes } from '../route.js';

const decimal = { anyOf: [{ type: 'string', maxLength: 50, pattern: '^-?\\d+(\\.\\d+)?$' }, { type: 'number' }] };

export const referenceRoutes = defineRoutes([
  {
    method: 'post',
    path: '/reference/suppliers',
    summary: 'Insert or update suppliers',
    tag: 'reference data',
    roles: INTAKE,
    body: {
      type: 'array',
      maxItems: 10000,
      items: {
        type: 'object',
        required: ['id', 'name'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 100 },
          name: { type: 'string', minLength: 1, maxLength: 300 },
          taxId: { type: 'string', maxLength: 50 },
          country: { type: 'string', maxLength: 2, pattern: '^[A-Z]{2}$' },
          bankAccount: { type: 'string', maxLength: 50 },
          bankAccountChangedAt: { type: 'string', format: 'date-time', maxLength: 40 },
        },
      },
    },
    responses: { '200': '{ upserted }', '422': 'Invalid rows' },
    responseSchemas: { '200': referenceUpsertedSchema },
    async handler(req, res, { db, principal }) {
      const rows = req.body as SupplierInput[];
      await createReferenceRepository(db).upsertSuppliers(principal.tenantId, rows);
      res.json({ upserted: rows.length });
    },
  },
  {
    method: 'post',
    path: '/reference/purchase-orders',
    summary: 'Insert or update purchase orders with their lines',
    tag: 'reference data',
    roles: INTAKE,
    body: {
      type: 'array',
      maxItems: 10000,
      items: {
        type: 'object',
        required: ['poNumber', 'currency', 'lines'],
        additionalProperties: false,
        properties: {
          poNumber: { type: 'string', minLength: 1, maxLength: 100 },
          supplierId: { type: 'string', maxLength: 100 },
          currency: { type: 'string', maxLength: 3, pattern: '^[A-Z]{3}$' },
          kind: { enum: ['goods', 'service'] },
          businessUnit: { type: 'string', maxLength: 100 },
          lines: {
            type: 'array',
            minItems: 1,
            maxItems: 10000,
            items: {
              type: 'object',
              required: ['lineId', 'quantity', 'unitPrice'],
              additionalProperties: false,
              properties: {
                lineId: { type: 'string', minLength: 1, maxLength: 50 },
                description: { type: 'string', maxLength: 1000 },
                quantity: decimal,
                unitPrice: decimal,
              },
            },
          },
        },
      },
    },
    responses: { '200': '{ upserted }', '422': 'Invalid rows' },
    responseSchemas: { '200': referenceUpsertedSchema },
    async handler(req, res, { db, principal }) {
      const rows = req.body as PurchaseOrderInput[];
      await createReferenceRepository(db).upsertPurchaseOrders(principal.tenantId, rows);
      res.json({ upserted: rows.length });
    },
  },
  {
    method: 'post',
    path: '/reference/goods-receipts',
    summary: 'Insert or update goods receipts against PO lines',
    tag: 'reference data',
    roles: INTAKE,
    body: {
      type: 'array',
      maxItems: 10000,
      items: {
        type: 'object',
        required: ['id', 'poNumber', 'lineId', 'quantity'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 100 },
          poNumber: { type: 'string', maxLength: 100 },
          lineId: { type: 'string', maxLength: 50 },
          quantity: decimal,
          receivedAt: { type: 'string', format: 'date-time', maxLength: 40 },
        },
      },
    },
    responses: { '200': '{ upserted }', '422': 'Invalid rows, or a receipt for an unknown PO line' },
    responseSchemas: { '200': referenceUpsertedSchema },
    async handler(req, res, { db, principal }) {
      const rows = req.body as GoodsReceiptInput[];
      await createReferenceRepository(db).upsertGoodsReceipts(principal.tenantId, rows);
      res.json({ upserted: rows.length });
    },
  },
]);
