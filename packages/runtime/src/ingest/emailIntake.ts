import { createHash } from 'node:crypto';
import type { EmailAttachment, InvoiceEmail } from '@exflow/shared';
import type { Principal } from '../auth/roles.js';
import type { Engine } from '../engine/engine.js';
import { createAttachmentRepository } from '../store/attachmentRepository.js';
import { createAuditRepository } from '../store/auditRepository.js';
import type { Db } from '../store/db.js';
import { newId } from '../store/ids.js';
import type { UnitOfWork } from '../store/unitOfWork.js';
import { receiveInvoice, type IntakeResponse } from './intake.js';
import { stableHash } from './stableHash.js';

/** What happened to one attachment of a received e-mail, as the API answers it. */
export interface EmailAttachmentOutcome {
  index: number;
  filename: string;
  contentType: string;
  outcome: 'received' | 'replayed' | 'refused' | 'evidence' | 'ignored';
  syntax?: 'ubl' | 'cii';
  invoice?: IntakeResponse['body']['invoice'];
  case?: IntakeResponse['body']['case'];
  warnings?: string[];
  /** For an invoice read from a PDF/A-3: the embedded file it came from. */
  embedded?: string;
  problems?: { path: string; message: string; code: string }[];
  reason?: string;
  /** Case attachments the mail (and its PDFs) were kept as, on this invoice's case. */
  evidence?: { attachmentIds: string[] } | { stored: false; reason: string };
}

export interface EmailIntakeRequest {
  email: InvoiceEmail;
  /** The message exactly as received, kept as evidence. */
  raw: Buffer;
  idempotencyKey?: string;
  definitionKey?: string;
  attachmentsDir?: string;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface EvidenceFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

/**
 * Keeps the mail and its PDFs on the case the invoice opened, with an audit record each, in the
 * intake's own transaction. With folder storage the bytes are written before the rows; a rollback
 * removes them again (`discardOnRollback`).
 */
async function keepEvidence(
  unit: UnitOfWork,
  principal: Principal,
  caseId: string,
  files: EvidenceFile[],
  written: string[],
  folder?: string,
): Promise<string[]> {
  const ids: string[] = [];
  for (const file of files) {
    const id = newId();
    written.push(id);
    const stored = await createAttachmentRepository(unit.trx, folder).insert(principal.tenantId, {
      id,
      caseId,
      taskId: null,
      ...file,
      uploadedBy: principal.userId,
    });
    await createAuditRepository(unit.trx).record(principal.tenantId, {
      caseId,
      actor: principal.userId,
      action: 'attachment.added',
      entity: 'attachment',
      entityId: stored.id,
      data: { filename: file.filename, contentType: file.contentType, sizeBytes: stored.sizeBytes, sha256: stored.sha256, source: 'email' },
    });
    ids.push(id);
  }
  return ids;
}

const isPdf = (a: EmailAttachment) => a.contentType === 'application/pdf' || a.filename.toLowerCase().endsWith('.pdf');

/**
 * Receives every invoice attachment of an e-mail through the ordinary intake (channel
 * `email`), one intake per attachment: the Idempotency-Key is extended with the attachment's
 * position, so replaying the mail replays each invoice. Each case opened gets the mail itself
 * and its PDF attachments as case attachments (evidence), written in the same transaction as its
 * invoice: when storing the evidence fails, that invoice is not stored either. The caller
 * refuses the mail when no attachment is a readable invoice, so a refusal stores nothing.
 */
export async function receiveInvoiceEmail(db: Db, engine: Engine, principal: Principal, request: EmailIntakeRequest): Promise<EmailAttachmentOutcome[]> {
  const messageHash = sha256(request.raw);
  const pdfs = request.email.attachments.filter(isPdf);
  const mailName = `${
    (request.email.subject ?? 'message')
      .replace(/[^\w .-]+/g, '_')
      .trim()
      .slice(0, 100) || 'message'
  }.eml`;
  const evidenceFiles: EvidenceFile[] = [
    { filename: mailName, contentType: 'message/rfc822', content: request.raw },
    ...pdfs.map((p) => ({ filename: p.filename, contentType: 'application/pdf', content: Buffer.from(p.content) })),
  ];
  const outcomes: EmailAttachmentOutcome[] = [];
  for (const a of request.email.attachments) {
    const base = { index: a.index, filename: a.filename, contentType: a.contentType };
    if (a.kind !== 'invoice' || !a.result) {
      outcomes.push({ ...base, outcome: a.kind === 'evidence' ? 'evidence' : 'ignored', reason: a.reason });
      continue;
    }
    if (!a.result.ok) {
      outcomes.push({
        ...base,
        outcome: 'refused',
        syntax: a.syntax,
        ...(a.embedded ? { embedded: a.embedded } : {}),
        problems: a.result.problems.map((p) => ({ path: p.path, message: p.message, code: p.code })),
      });
      continue;
    }
    const written: string[] = [];
    let received: IntakeResponse;
    try {
      received = await receiveInvoice(db, engine, principal, {
        invoice: a.result.invoice,
        channel: 'email',
        idempotencyKey: request.idempotencyKey ? `${request.idempotencyKey}#${a.index}` : undefined,
        requestHash: stableHash({ message: messageHash, attachment: sha256(a.content), definition: request.definitionKey ?? null }),
        definitionKey: request.definitionKey,
        alongside: async (unit, body): Promise<EmailAttachmentOutcome['evidence']> =>
          body.case
            ? { attachmentIds: await keepEvidence(unit, principal, body.case.id, evidenceFiles, written, request.attachmentsDir) }
            : { stored: false, reason: 'No flow opened a case for this invoice, and evidence is kept on cases; the invoice itself is stored.' },
      });
    } catch (error) {
      for (const id of written) await createAttachmentRepository(db, request.attachmentsDir).discard(principal.tenantId, id);
      throw error;
    }
    const outcome: EmailAttachmentOutcome = {
      ...base,
      outcome: received.replayed ? 'replayed' : 'received',
      syntax: a.syntax,
      ...(a.embedded ? { embedded: a.embedded } : {}),
      invoice: received.body.invoice,
      case: received.body.case,
      warnings: a.result.warnings,
    };
    if (!received.replayed) outcome.evidence = received.alongside as EmailAttachmentOutcome['evidence'];
    outcomes.push(outcome);
  }
  return outcomes;
}
