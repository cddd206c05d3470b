import {
  attachmentListSchema,
  attachmentViewSchema,
  caseAuditListSchema,
  commentListSchema,
  commentPostedSchema,
  effectViewSchema,
  evidenceSchema,
  type CommentPosted,
  type EvidenceView,
} from '@exflow/shared';
import type { Request } from 'express';
import { READERS, STAFF, WORKERS } from '../../auth/roles.js';
import { retryEffect } from '../../effects/effectRetry.js';
import { ProblemError, notFound, unprocessable } from '../../errors.js';
import { createAttachmentRepository } from '../../store/attachmentRepository.js';
import { createAuditRepository } from '../../store/auditRepository.js';
import { createCaseRepository, type CaseRecord } from '../../store/caseRepository.js';
import { createCommentRepository } from '../../store/commentRepository.js';
import type { Db } from '../../store/db.js';
import { createEvidenceRepository } from '../../store/evidenceRepository.js';
import { newId } from '../../store/ids.js';
import { createInvoiceRepository } from '../../store/invoiceRepository.js';
import { createTaskRepository } from '../../store/taskRepository.js';
import { ATTACHMENT_TYPES, baseMediaType, cleanFilename } from '../../workspace/attachmentTypes.js';
import { addAttachment } from '../../workspace/attachments.js';
import { parseMentions } from '../../workspace/mentions.js';
import { param, queryString } from '../params.js';
import { defineRoutes } from '../route.js';

async function loadCase(db: Db, tenantId: string, id: string): Promise<CaseRecord> {
  const found = await createCaseRepository(db).get(tenantId, id);
  if (!found) throw notFound('case', id);
  return found;
}

/** A task id given with a comment or an upload must be one of the case's own tasks. */
async function checkTaskOfCase(db: Db, tenantId: string, caseId: string, taskId: string | undefined, path: string): Promise<void> {
  if (taskId === undefined) return;
  const task = await createTaskRepository(db).get(tenantId, taskId);
  if (!task || task.caseId !== caseId)
    throw unprocessable('unknown-task', `${path} "${taskId}" is not a task of case ${caseId}`, [{ path, message: 'not a task of this case' }]);
}

const tooLarge = (limit: number) =>
  new ProblemError('attachment-too-large', `The file is larger than the ${limit}-byte limit (EXFLOW_ATTACHMENT_MAX_BYTES)`, [
    { path: 'body', message: `over ${limit} bytes` },
  ]);

/** Reads the raw request body, refusing it as soon as it passes `limit` bytes. */
async function readUpload(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const contentDisposition = (filename: string) =>
  `attachment; filename="${filename.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`;

export const caseWorkRoutes = defineRoutes([
  {
    method: 'get',
    path: '/cases/:id/audit',
    summary: 'The audit trail of a case, oldest first: every transition, reassignment, retry and upload with who, when and what',
    tag: 'cases',
    roles: READERS,
    responses: { '200': 'Audit entries', '404': 'Unknown case' },
    responseSchemas: { '200': caseAuditListSchema },
    async handler(req, res, { db, principal }) {
      const c = await loadCase(db, principal.tenantId, param(req, 'id'));
      res.json(await createAuditRepository(db).forCase(principal.tenantId, c.id));
    },
  },
  {
    method: 'get',
    path: '/cases/:id/evidence',
    summary: 'What the case is judged on: its invoice, the purchase order with lines and goods receipts, and the supplier master record',
    tag: 'cases',
    roles: READERS,
    responses: { '200': '{ invoice, purchaseOrder, supplier }', '404': 'Unknown case' },
    responseSchemas: { '200': evidenceSchema },
    async handler(req, res, { db, principal }) {
      const c = await loadCase(db, principal.tenantId, param(req, 'id'));
      const invoice = c.invoiceId ? await createInvoiceRepository(db).get(principal.tenantId, c.invoiceId) : undefined;
      const evidence = createEvidenceRepository(db);
      // one after the other: reads share one connection (the tenant-scoped transaction)
      const purchaseOrder = invoice?.body.poNumber ? await evidence.purchaseOrder(principal.tenantId, invoice.body.poNumber) : null;
      const supplier = invoice?.body.supplier.id ? await evidence.supplier(principal.tenantId, invoice.body.supplier.id) : null;
      res.json({ invoice: invoice ?? null, purchaseOrder, supplier } satisfies EvidenceView);
    },
  },
  {
    method: 'post',
    path: '/cases/:id/effects/:effectId/retry',
    summary: 'Re-queue a failed effect (fresh retry budget) or run a backing-off one now; the case moves on only if it still waits for it',
    tag: 'cases',
    roles: ['tenant_admin', 'process_owner'],
    responses: { '200': 'The effect, pending and due now', '404': 'Unknown case or effect', '409': 'The effect is running, done, or not yet tried' },
    responseSchemas: { '200': effectViewSchema },
    async handler(req, res, { db, principal }) {
      const c = await loadCase(db, principal.tenantId, param(req, 'id'));
      const effect = await retryEffect(db, principal.tenantId, c.id, param(req, 'effectId'), principal.userId);
      res.json(effect);
    },
  },
  {
    method: 'get',
    path: '/cases/:id/comments',
    summary: 'Comments on a case, oldest first, with the users they mention',
    tag: 'cases',
    roles: STAFF,
    responses: { '200': 'Comments', '404': 'Unknown case' },
    responseSchemas: { '200': commentListSchema },
    async handler(req, res, { db, principal }) {
      const c = await loadCase(db, principal.tenantId, param(req, 'id'));
      res.json(await createCommentRepository(db).forCase(principal.tenantId, c.id));
    },
  },
  {
    method: 'post',
    path: '/cases/:id/comments',
    summary:
      'Comment on a case (optionally on one of its tasks); @handle mentions a colleague by the start of their e-mail. Also a case.comment event in the timeline.',
    tag: 'cases',
    roles: WORKERS,
    body: {
      type: 'object',
      required: ['text'],
      additionalProperties: false,
      properties: { text: { type: 'string', minLength: 1, maxLength: 4000, pattern: '\\S' }, taskId: { type: 'string', minLength: 1, maxLength: 100 } },
    },
    responses: {
      '201': '{ comment, case }',
      '404': 'Unknown case',
      '409': 'The case is closed',
      '422': 'Empty text, an unknown @mention or a task of another case (named in errors[].path)',
    },
    responseSchemas: { '201': commentPostedSchema },
    async handler(req, res, { db, engine, principal }) {
      const c = await loadCase(db, principal.tenantId, param(req, 'id'));
      const { text, taskId } = req.body as { text: string; taskId?: string };
      await checkTaskOfCase(db, principal.tenantId, c.id, taskId, '/taskId');
      const comments = createCommentRepository(db);
      const mentions = parseMentions(text, await comments.handles(principal.tenantId));
      if (mentions.unknown.length) {
        throw unprocessable(
          'unknown-mention',
          `/text mentions ${mentions.unknown.join(', ')}, who ${mentions.unknown.length > 1 ? 'are' : 'is'} not in this tenant; mention a colleague by the start of their e-mail, e.g. @analyst2`,
          [{ path: '/text', message: `unknown mention ${mentions.unknown.join(', ')}` }],
        );
      }
      const id = newId();
      const change = await engine.send(
        principal.tenantId,
        c.id,
        { type: 'case.comment', text, commentId: id, mentions: mentions.userIds, ...(taskId ? { taskId } : {}) },
        principal.userId,
        {
          within: (trx) =>
            createCommentRepository(trx).insert(principal.tenantId, {
              id,
              caseId: c.id,
              taskId: taskId ?? null,
              author: principal.userId,
              text,
              mentions: mentions.userIds,
            }),
        },
      );
      const comment = (await comments.forCase(principal.tenantId, c.id)).find((x) => x.id === id);
      res.status(201).json({ comment: comment!, case: { id: c.id, version: change.version } } satisfies CommentPosted);
    },
  },
  {
    method: 'get',
    path: '/cases/:id/attachments',
    summary: 'Files attached to a case',
    tag: 'cases',
    roles: STAFF,
    responses: { '200': 'Attachments (without their bytes)', '404': 'Unknown case' },
    responseSchemas: { '200': attachmentListSchema },
    async handler(req, res, { db, config, principal }) {
      const c = await loadCase(db, principal.tenantId, param(req, 'id'));
      res.json(await createAttachmentRepository(db, config.attachmentsDir).forCase(principal.tenantId, c.id));
    },
  },
  {
    method: 'post',
    path: '/cases/:id/attachments',
    summary: `Attach a file: the raw bytes as the body, its media type as Content-Type (${Object.keys(ATTACHMENT_TYPES).join(', ')}), ?filename= its name; the content must match the type`,
    tag: 'cases',
    roles: WORKERS,
    query: {
      filename: { type: 'string', description: 'The file name to keep and download as (required)' },
      taskId: { type: 'string', description: 'The task of this case the file belongs to' },
    },
    responses: {
      '201': 'The attachment',
      '404': 'Unknown case',
      '413': 'Larger than EXFLOW_ATTACHMENT_MAX_BYTES',
      '415': 'A media type not accepted',
      '422': 'No filename, empty file, or content that is not what Content-Type says',
    },
    responseSchemas: { '201': attachmentViewSchema },
    async handler(req, res, { db, config, principal }) {
      const c = await loadCase(db, principal.tenantId, param(req, 'id'));
      const filename = cleanFilename(queryString(req, 'filename') ?? '');
      if (!filename)
        throw unprocessable('invalid-query', 'Query parameter "filename" is required: the name of the file, e.g. ?filename=delivery-note.pdf', [
          { path: 'filename', message: 'is required' },
        ]);
      const taskId = queryString(req, 'taskId');
      await checkTaskOfCase(db, principal.tenantId, c.id, taskId, 'taskId');
      const contentType = baseMediaType(req.get('content-type'));
      const type = ATTACHMENT_TYPES[contentType];
      if (!type) {
        throw new ProblemError(
          'attachment-type-refused',
          `Content-Type "${contentType || '(none)'}" is not accepted; send one of ${Object.keys(ATTACHMENT_TYPES).join(', ')}`,
          [{ path: 'Content-Type', message: 'not an accepted media type' }],
        );
      }
      const content = await readUpload(req, config.attachmentMaxBytes);
      if (!content.length)
        throw unprocessable('empty-attachment', 'The file is empty; send its bytes as the request body', [{ path: 'body', message: 'empty' }]);
      if (!type.check(content)) {
        throw unprocessable(
          'attachment-content-mismatch',
          `The file's content is not ${type.label} as Content-Type "${contentType}" says; send the right Content-Type`,
          [{ path: 'body', message: `content is not ${contentType}` }],
        );
      }
      const attachment = await addAttachment(db, config.attachmentsDir, principal.tenantId, {
        caseId: c.id,
        taskId: taskId ?? null,
        filename,
        contentType,
        uploadedBy: principal.userId,
        content,
      });
      res.status(201).json(attachment);
    },
  },
  {
    method: 'get',
    path: '/cases/:id/attachments/:attachmentId',
    summary: 'Download an attachment (as a file, never rendered inline)',
    tag: 'cases',
    roles: STAFF,
    responses: { '200': 'The file, with the media type it was uploaded with', '404': 'Unknown case or attachment' },
    responseFiles: { '200': ['*/*'] },
    async handler(req, res, { db, config, principal }) {
      const caseId = param(req, 'id');
      const id = param(req, 'attachmentId');
      const repo = createAttachmentRepository(db, config.attachmentsDir);
      const meta = await repo.get(principal.tenantId, caseId, id);
      const content = meta && (await repo.content(principal.tenantId, caseId, id));
      if (!meta || !content) throw notFound('attachment', id);
      res.set({
        'Content-Type': meta.contentType,
        'Content-Length': String(content.length),
        'Content-Disposition': contentDisposition(meta.filename),
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Cache-Control': 'private, no-store',
      });
      res.end(content);
    },
  },
]);
