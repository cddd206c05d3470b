import { invoiceIntakeResponseSchema, invoiceSchema, parseInvoice, storedInvoiceSchema, type StoredInvoiceView } from '@exflow/shared';
import { INTAKE, READERS, WORKERS } from '../../auth/roles.js';
import { badRequest, notFound, unprocessable } from '../../errors.js';
import { receiveInvoice } from '../../ingest/intake.js';
import { stableHash } from '../../ingest/stableHash.js';
import { createInvoiceRepository } from '../../store/invoiceRepository.js';
import { createTaskWork } from '../../tasks/taskWork.js';
import { param, queryString } from '../params.js';
import { defineRoutes } from '../route.js';

export const invoiceRoutes = defineRoutes([
  {
    method: 'post',
    path: '/invoices',
    summary: 'Receive a canonical JSON invoice and open its case. Send an Idempotency-Key header so a retry creates nothing twice.',
    tag: 'invoices',
    roles: INTAKE,
    body: invoiceSchema,
    query: { definition: { type: 'string', description: 'Key of the published flow to run; default: the first whose start trigger matches' } },
    responses: {
      '201': 'Stored, case opened (case is null when no flow matches)',
      '200': 'Replay of an earlier request with the same key',
      '422': 'Invalid invoice, or key reused for a different body',
    },
    responseSchemas: { '201': invoiceIntakeResponseSchema, '200': invoiceIntakeResponseSchema },
    async handler(req, res, { db, engine, principal }) {
      const key = req.get('Idempotency-Key');
      if (key !== undefined && (key.length === 0 || key.length > 200)) throw badRequest('The Idempotency-Key header must be 1 to 200 characters');
      const parsed = parseInvoice(req.body);
      if (!parsed.ok) throw unprocessable('invalid-invoice', `The invoice is not valid: ${parsed.problems.map((p) => p.message).join('; ')}`, parsed.problems);
      const result = await receiveInvoice(db, engine, principal, {
        invoice: parsed.invoice,
        channel: 'api',
        idempotencyKey: key,
        requestHash: stableHash({ body: req.body, definition: queryString(req, 'definition') ?? null }),
        definitionKey: queryString(req, 'definition'),
      });
      if (result.replayed) res.set('Idempotent-Replayed', 'true');
      res.status(result.status).json(result.body);
    },
  },
  {
    method: 'get',
    path: '/invoices/:id',
    summary: 'Get a received invoice',
    tag: 'invoices',
    roles: READERS,
    responses: { '200': 'Invoice', '404': 'Unknown invoice' },
    responseSchemas: { '200': storedInvoiceSchema },
    async handler(req, res, { db, principal }) {
      const found = await createInvoiceRepository(db).get(principal.tenantId, param(req, 'id'));
      if (!found) throw notFound('invoice', param(req, 'id'));
      res.json(found satisfies StoredInvoiceView);
    },
  },
  {
    method: 'put',
    path: '/invoices/:id',
    summary:
      'Correct a received invoice (e.g. a mistyped PO number). The corrector is recorded as its last editor and may not approve it; running cases keep the data they started with.',
    tag: 'invoices',
    roles: WORKERS,
    body: invoiceSchema,
    responses: { '200': 'Corrected', '404': 'Unknown invoice', '422': 'Invalid invoice' },
    responseSchemas: { '200': storedInvoiceSchema },
    async handler(req, res, ctx) {
      const parsed = parseInvoice(req.body);
      if (!parsed.ok) throw unprocessable('invalid-invoice', `The invoice is not valid: ${parsed.problems.map((p) => p.message).join('; ')}`, parsed.problems);
      const corrected = await createTaskWork(ctx).correctInvoice(ctx.principal, param(req, 'id'), parsed.invoice);
      if (!corrected) throw notFound('invoice', param(req, 'id'));
      res.json(corrected);
    },
  },
]);
