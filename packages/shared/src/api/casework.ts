import { Type, type Static } from '@sinclair/typebox';
import type { TriageFinding } from '../checks/triage.js';
import type { TriageOutcome } from '../checks/routing.js';
import type { Invoice } from '../invoice/invoice.js';
import { Count, Decimal, Id, List, Nullable, OpenObject, Text, Timestamp } from './wire.js';

/** One entry of a case's audit trail (`GET /cases/:id/audit`), with who, when and what. */
export const caseAuditEntrySchema = Type.Object({
  id: Id(),
  caseId: Nullable(Id()),
  actor: Nullable(Id()),
  actorName: Nullable(Text(200)),
  action: Id(),
  entity: Id(),
  entityId: Id(),
  data: OpenObject('What the action recorded'),
  createdAt: Timestamp(),
});
export type CaseAuditEntry = Static<typeof caseAuditEntrySchema>;
export const caseAuditListSchema = List(caseAuditEntrySchema, 100_000, 'Oldest first');

/** A comment on a case (`GET /cases/:id/comments`). */
export const commentViewSchema = Type.Object({
  id: Id(),
  caseId: Id(),
  taskId: Nullable(Id()),
  author: Id(),
  authorName: Nullable(Text(200)),
  text: Text(10_000),
  mentions: List(Id('A mentioned user id'), 100),
  createdAt: Timestamp(),
});
export type CommentView = Static<typeof commentViewSchema>;
export const commentListSchema = List(commentViewSchema, 10_000);

/** `POST /cases/:id/comments`: the comment and the case version it was recorded at. */
export const commentPostedSchema = Type.Object({ comment: commentViewSchema, case: Type.Object({ id: Id(), version: Count() }) });
export type CommentPosted = Static<typeof commentPostedSchema>;

/** A file attached to a case, without its bytes (`GET /cases/:id/attachments`). */
export const attachmentViewSchema = Type.Object({
  id: Id(),
  caseId: Id(),
  taskId: Nullable(Id()),
  filename: Text(255),
  contentType: Text(200),
  sizeBytes: Count(),
  uploadedBy: Id(),
  uploadedByName: Nullable(Text(200)),
  createdAt: Timestamp(),
});
export type AttachmentView = Static<typeof attachmentViewSchema>;
export const attachmentListSchema = List(attachmentViewSchema, 10_000);

/** A received invoice (`GET /invoices/:id`): the document and what triage stored with it. */
export const storedInvoiceSchema = Type.Object({
  id: Id(),
  invoiceNumber: Text(200),
  supplierName: Text(500),
  channel: Id('How it came in: api, ubl, csv, email ...'),
  receivedAt: Timestamp(),
  body: OpenObject<Invoice>('The canonical invoice'),
  findings: List(OpenObject<TriageFinding>('A finding of the intake checks'), 1000),
  triageOutcome: Nullable(Type.Unsafe<TriageOutcome>({ type: 'string', maxLength: 20, description: 'exception, started, touchless or unrouted' })),
  triage: Nullable(OpenObject('What triage decided (findings, outcome, route)')),
});
export type StoredInvoiceView = Static<typeof storedInvoiceSchema>;

/** The purchase order an invoice names, with its lines and their goods receipts. */
export const purchaseOrderEvidenceSchema = Type.Object({
  poNumber: Id(),
  supplierId: Nullable(Id()),
  currency: Id(),
  kind: Id(),
  businessUnit: Nullable(Id()),
  lines: List(
    Type.Object({
      lineId: Id(),
      description: Nullable(Text(2000)),
      quantity: Decimal(),
      unitPrice: Decimal(),
      receivedQuantity: Decimal(),
      receipts: List(Type.Object({ id: Id(), quantity: Decimal(), receivedAt: Text(40, 'ISO 8601') }), 10_000),
    }),
    10_000,
  ),
});
export type PurchaseOrderEvidence = Static<typeof purchaseOrderEvidenceSchema>;

/** `GET /cases/:id/evidence`: what the case is judged on. */
export const evidenceSchema = Type.Object({
  invoice: Nullable(storedInvoiceSchema),
  purchaseOrder: Nullable(purchaseOrderEvidenceSchema),
  supplier: Nullable(
    Type.Object({
      id: Id(),
      name: Text(500),
      taxId: Nullable(Id()),
      country: Nullable(Id()),
      bankAccount: Nullable(Text(100)),
      bankAccountChangedAt: Nullable(Text(40, 'ISO 8601')),
    }),
  ),
});
export type EvidenceView = Static<typeof evidenceSchema>;
