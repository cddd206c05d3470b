import type { CompiledFlow, WorkflowDefinition } from '@exflow/shared';
import type { Db } from './db.js';
import { createLru, databaseMemory } from './databaseMemory.js';

export interface DefinitionRecord {
  id: string;
  key: string;
  name: string;
  draft: WorkflowDefinition;
  draftUpdatedAt: string;
  draftUpdatedBy: string | null;
  latestVersion: number | null;
}

export interface DefinitionVersionRecord {
  definitionId: string;
  version: number;
  definition: WorkflowDefinition;
  compiled: CompiledFlow;
  publishedAt: string;
  publishedBy: string | null;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string));

const toDefinition = (r: any): DefinitionRecord => ({
  id: r.id,
  key: r.key,
  name: r.name,
  draft: r.draft,
  draftUpdatedAt: iso(r.draft_updated_at),
  draftUpdatedBy: r.draft_updated_by,
  latestVersion: r.latest_version,
});

const toVersion = (r: any): DefinitionVersionRecord => ({
  definitionId: r.definition_id,
  version: r.version,
  definition: r.definition,
  compiled: r.compiled,
  publishedAt: iso(r.published_at),
  publishedBy: r.published_by,
});

export function createDefinitionRepository(db: Db) {
  const definitions = () => db('definitions');
  return {
    async list(tenantId: string): Promise<DefinitionRecord[]> {
      return (await definitions().where({ tenant_id: tenantId }).orderBy('name')).map(toDefinition);
    },

    async get(tenantId: string, id: string): Promise<DefinitionRecord | undefined> {
      const row = await definitions().where({ tenant_id: tenantId, id }).first();
      return row ? toDefinition(row) : undefined;
    },

    async getByKey(tenantId: string, key: string): Promise<DefinitionRecord | undefined> {
      const row = await definitions().where({ tenant_id: tenantId, key }).first();
      return row ? toDefinition(row) : undefined;
    },

    /** Inserts a definition; `false` when the key is taken in this tenant. */
    async create(tenantId: string, id: string, draft: WorkflowDefinition, actor: string | null): Promise<boolean> {
      const rows = await definitions()
        .insert({ tenant_id: tenantId, id, key: draft.key, name: draft.name, draft: JSON.stringify(draft), draft_updated_by: actor })
        .onConflict(['tenant_id', 'key'])
        .ignore()
        .returning('id');
      return rows.length === 1;
    },

    async updateDraft(tenantId: string, id: string, draft: WorkflowDefinition, actor: string | null): Promise<void> {
      await definitions()
        .where({ tenant_id: tenantId, id })
        .update({ draft: JSON.stringify(draft), name: draft.name, draft_updated_at: db.fn.now(), draft_updated_by: actor });
    },

    /** Deletes a definition that was never published; `false` if it has versions. */
    async deleteUnpublished(tenantId: string, id: string): Promise<boolean> {
      // returning() because knex-pglite answers delete() with a raw result, not a count
      const rows = await definitions().where({ tenant_id: tenantId, id }).whereNull('latest_version').delete().returning('id');
      return rows.length === 1;
    },

    /**
     * Appends the next immutable version. The row lock on the definition serialises publishes,
     * so version numbers never collide. Call inside a transaction.
     */
    async publish(
      tenantId: string,
      id: string,
      definition: WorkflowDefinition,
      compiled: CompiledFlow,
      actor: string | null,
    ): Promise<DefinitionVersionRecord> {
      const current = await definitions().where({ tenant_id: tenantId, id }).forUpdate().first();
      const version = (current?.latest_version ?? 0) + 1;
      const [row] = await db('definition_versions')
        .insert({
          tenant_id: tenantId,
          definition_id: id,
          version,
          definition: JSON.stringify(definition),
          compiled: JSON.stringify(compiled),
          published_by: actor,
        })
        .returning('*');
      await definitions().where({ tenant_id: tenantId, id }).update({ latest_version: version });
      return toVersion(row);
    },

    /**
     * Publishes the definition's draft as its next version, in one transaction with the
     * definition row locked: `prepare` (pure: compile and check) gets the draft as it stands and
     * returns the compiled flow with anything the caller wants back, or throws to publish
     * nothing. `undefined` when there is no such definition.
     */
    async publishDraft<T>(
      tenantId: string,
      id: string,
      actor: string,
      prepare: (found: DefinitionRecord) => { compiled: CompiledFlow; also: T },
    ): Promise<{ published: DefinitionVersionRecord; also: T } | undefined> {
      return db.transaction(async (trx) => {
        const row = await trx('definitions').where({ tenant_id: tenantId, id }).forUpdate().first();
        if (!row) return undefined;
        const found = toDefinition(row);
        const { compiled, also } = prepare(found);
        return { published: await createDefinitionRepository(trx).publish(tenantId, id, found.draft, compiled, actor), also };
      });
    },

    async versions(tenantId: string, id: string): Promise<Omit<DefinitionVersionRecord, 'definition' | 'compiled'>[]> {
      const rows = await db('definition_versions')
        .select('definition_id', 'version', 'published_at', 'published_by')
        .where({ tenant_id: tenantId, definition_id: id })
        .orderBy('version', 'desc');
      return rows.map((r: any) => ({ definitionId: r.definition_id, version: r.version, publishedAt: iso(r.published_at), publishedBy: r.published_by }));
    },

    /**
     * A published version. Versions never change once committed, so each is read once per
     * database and then remembered (a read inside a transaction is not: it may see a version
     * its own transaction is publishing, which may yet roll back), unless `committed` says the
     * version is known to be committed already (a committed case runs on it).
     */
    async getVersion(tenantId: string, id: string, version: number, committed = false): Promise<DefinitionVersionRecord | undefined> {
      const remembered = databaseMemory(db, 'definitionVersions', () => createLru<DefinitionVersionRecord>(500));
      const key = `${tenantId}\u0000${id}\u0000${version}`;
      const hit = remembered.get(key);
      if (hit) return hit;
      const row = await db('definition_versions').where({ tenant_id: tenantId, definition_id: id, version }).first();
      if (!row) return undefined;
      const found = toVersion(row);
      if (committed || !db.isTransaction) remembered.set(key, found);
      return found;
    },

    /** The latest published version of every definition in the tenant, for trigger matching. */
    async latestPublished(tenantId: string): Promise<DefinitionVersionRecord[]> {
      const rows = await db('definition_versions as v')
        .join('definitions as d', function () {
          this.on('d.tenant_id', 'v.tenant_id').andOn('d.id', 'v.definition_id').andOn('d.latest_version', 'v.version');
        })
        .where('v.tenant_id', tenantId)
        .orderBy('d.created_at')
        .select('v.*');
      return rows.map(toVersion);
    },
  };
}
