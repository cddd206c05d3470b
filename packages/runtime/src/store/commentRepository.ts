import type { Db } from './db.js';

export interface CommentRecord {
  id: string;
  caseId: string;
  taskId: string | null;
  author: string;
  authorName: string | null;
  text: string;
  /** Ids of the users mentioned with @handle. */
  mentions: string[];
  createdAt: string;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));

const toComment = (r: any): CommentRecord => ({
  id: r.id,
  caseId: r.case_id,
  taskId: r.task_id,
  author: r.author,
  authorName: r.author_name ?? null,
  text: r.text,
  mentions: r.mentions,
  createdAt: iso(r.created_at),
});

/** Comments on cases (and optionally one of their tasks), with the users they mention. */
export function createCommentRepository(db: Db) {
  const rows = () =>
    db('comments as c')
      .leftJoin('users as u', function () {
        this.on('u.tenant_id', 'c.tenant_id').andOn('u.id', 'c.author');
      })
      .select('c.*', 'u.name as author_name');
  return {
    async insert(
      tenantId: string,
      comment: { id: string; caseId: string; taskId: string | null; author: string; text: string; mentions: string[] },
    ): Promise<void> {
      await db('comments').insert({
        tenant_id: tenantId,
        id: comment.id,
        case_id: comment.caseId,
        task_id: comment.taskId,
        author: comment.author,
        text: comment.text,
        mentions: JSON.stringify(comment.mentions),
      });
    },

    async forCase(tenantId: string, caseId: string): Promise<CommentRecord[]> {
      return (
        await rows()
          .where({ 'c.tenant_id': tenantId, 'c.case_id': caseId })
          .orderBy([{ column: 'c.created_at' }, { column: 'c.id' }])
      ).map(toComment);
    },

    /** The latest comments that mention a user, newest first. */
    async mentioning(tenantId: string, userId: string, limit: number): Promise<CommentRecord[]> {
      return (
        await rows()
          .where('c.tenant_id', tenantId)
          .whereRaw('c.mentions @> ?::jsonb', [JSON.stringify([userId])])
          .orderBy([
            { column: 'c.created_at', order: 'desc' },
            { column: 'c.id', order: 'desc' },
          ])
          .limit(limit)
      ).map(toComment);
    },

    /** Users of the tenant a mention may name: by e-mail, and by the part before the @. */
    async handles(tenantId: string): Promise<{ id: string; email: string; name: string }[]> {
      return db('users').where({ tenant_id: tenantId }).select('id', 'email', 'name');
    },
  };
}
