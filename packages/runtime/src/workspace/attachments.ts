import { createAttachmentRepository, type AttachmentRecord, type NewAttachment } from '../store/attachmentRepository.js';
import { createAuditRepository } from '../store/auditRepository.js';
import type { Db } from '../store/db.js';
import { newId } from '../store/ids.js';

/**
 * Stores a file attached to a case and audits it (`attachment.added`), in one transaction; the
 * bytes written to a folder are removed again when the row does not commit.
 */
export async function addAttachment(db: Db, folder: string | undefined, tenantId: string, file: Omit<NewAttachment, 'id'>): Promise<AttachmentRecord> {
  const id = newId();
  return db
    .transaction(async (trx) => {
      const stored = await createAttachmentRepository(trx, folder).insert(tenantId, { id, ...file });
      await createAuditRepository(trx).record(tenantId, {
        caseId: file.caseId,
        actor: file.uploadedBy,
        action: 'attachment.added',
        entity: 'attachment',
        entityId: id,
        data: { filename: file.filename, contentType: file.contentType, sizeBytes: stored.sizeBytes, sha256: stored.sha256 },
      });
      return stored;
    })
    .catch(async (e: unknown) => {
      await createAttachmentRepository(db, folder).discard(tenantId, id);
      throw e;
    });
}
