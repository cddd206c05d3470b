import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from './db.js';

export interface AttachmentRecord {
  id: string;
  caseId: string;
  taskId: string | null;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  uploadedByName: string | null;
  createdAt: string;
}

export interface NewAttachment {
  id: string;
  caseId: string;
  taskId: string | null;
  filename: string;
  contentType: string;
  uploadedBy: string;
  content: Buffer;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));

const toAttachment = (r: any): AttachmentRecord => ({
  id: r.id,
  caseId: r.case_id,
  taskId: r.task_id,
  filename: r.filename,
  contentType: r.content_type,
  sizeBytes: r.size_bytes,
  sha256: r.sha256,
  uploadedBy: r.uploaded_by,
  uploadedByName: r.uploaded_by_name ?? null,
  createdAt: iso(r.created_at),
});

const COLUMNS = ['a.id', 'a.case_id', 'a.task_id', 'a.filename', 'a.content_type', 'a.size_bytes', 'a.sha256', 'a.uploaded_by', 'a.created_at'];

/**
 * Files attached to cases: the row always lives in the database; the bytes too (`bytea`), or,
 * when a folder is configured (`EXFLOW_ATTACHMENTS_DIR`), in `<folder>/<tenant>/<id>`.
 */
export function createAttachmentRepository(db: Db, folder?: string) {
  const pathOf = (tenantId: string, id: string) => join(folder!, encodeURIComponent(tenantId), encodeURIComponent(id));
  return {
    async insert(tenantId: string, a: NewAttachment): Promise<AttachmentRecord> {
      const sha256 = createHash('sha256').update(a.content).digest('hex');
      if (folder) {
        await mkdir(join(folder, encodeURIComponent(tenantId)), { recursive: true });
        await writeFile(pathOf(tenantId, a.id), a.content, { flag: 'wx' });
      }
      await db('attachments').insert({
        tenant_id: tenantId,
        id: a.id,
        case_id: a.caseId,
        task_id: a.taskId,
        filename: a.filename,
        content_type: a.contentType,
        size_bytes: a.content.length,
        sha256,
        storage: folder ? 'folder' : 'database',
        content: folder ? null : a.content,
        uploaded_by: a.uploadedBy,
      });
      return (await this.get(tenantId, a.caseId, a.id))!;
    },

    async get(tenantId: string, caseId: string, id: string): Promise<AttachmentRecord | undefined> {
      const row = await db('attachments as a')
        .leftJoin('users as u', function () {
          this.on('u.tenant_id', 'a.tenant_id').andOn('u.id', 'a.uploaded_by');
        })
        .where({ 'a.tenant_id': tenantId, 'a.case_id': caseId, 'a.id': id })
        .first(...COLUMNS, 'u.name as uploaded_by_name');
      return row ? toAttachment(row) : undefined;
    },

    async forCase(tenantId: string, caseId: string): Promise<AttachmentRecord[]> {
      const rows = await db('attachments as a')
        .leftJoin('users as u', function () {
          this.on('u.tenant_id', 'a.tenant_id').andOn('u.id', 'a.uploaded_by');
        })
        .where({ 'a.tenant_id': tenantId, 'a.case_id': caseId })
        .orderBy([{ column: 'a.created_at' }, { column: 'a.id' }])
        .select(...COLUMNS, 'u.name as uploaded_by_name');
      return rows.map(toAttachment);
    },

    /** Removes the file of an attachment whose row did not commit (folder storage only). */
    async discard(tenantId: string, id: string): Promise<void> {
      if (folder) await rm(pathOf(tenantId, id), { force: true });
    },

    /** The bytes of an attachment, wherever they are stored. */
    async content(tenantId: string, caseId: string, id: string): Promise<Buffer | undefined> {
      const row = await db('attachments').where({ tenant_id: tenantId, case_id: caseId, id }).first('storage', 'content');
      if (!row) return undefined;
      if (row.storage === 'folder') {
        if (!folder) throw new Error(`attachment ${id} is stored in a folder but EXFLOW_ATTACHMENTS_DIR is not set`);
        return readFile(pathOf(tenantId, id));
      }
      return Buffer.from(row.content as Uint8Array);
    },
  };
}
