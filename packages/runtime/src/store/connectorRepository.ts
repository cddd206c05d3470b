import type { Db } from './db.js';

/** A tenant's settings of one connector. */
export interface ConnectorSettings {
  connector: string;
  config: Record<string, unknown>;
  /** The credential (by name) its calls authenticate with; `null`: none. */
  credential: string | null;
  /** `live`: checks that need reference data pull it through this connector instead of the loaded tables. */
  referenceData: 'loaded' | 'live';
  updatedAt: string;
}

const toSettings = (r: any): ConnectorSettings => ({
  connector: r.connector,
  config: r.config ?? {},
  credential: r.credential,
  referenceData: r.reference_data,
  updatedAt: r.updated_at instanceof Date ? r.updated_at.toISOString() : r.updated_at,
});

/** Tenant connector settings (migration 019). */
export function createConnectorRepository(db: Db) {
  return {
    async put(tenantId: string, s: Omit<ConnectorSettings, 'updatedAt'> & { by: string | null }): Promise<ConnectorSettings> {
      const [row] = await db('connector_settings')
        .insert({
          tenant_id: tenantId,
          connector: s.connector,
          config: JSON.stringify(s.config),
          credential: s.credential,
          reference_data: s.referenceData,
          updated_by: s.by,
        })
        .onConflict(['tenant_id', 'connector'])
        .merge({ config: JSON.stringify(s.config), credential: s.credential, reference_data: s.referenceData, updated_by: s.by, updated_at: db.fn.now() })
        .returning('*');
      return toSettings(row);
    },

    async get(tenantId: string, connector: string): Promise<ConnectorSettings | undefined> {
      const row = await db('connector_settings').where({ tenant_id: tenantId, connector }).first();
      return row ? toSettings(row) : undefined;
    },

    async list(tenantId: string): Promise<ConnectorSettings[]> {
      return (await db('connector_settings').where({ tenant_id: tenantId }).orderBy('connector')).map(toSettings);
    },
  };
}
