import type { Knex } from 'knex';

/**
 * The tenant's audit head, sharded (issue 13): migration 008 gave each tenant one `audit_heads`
 * row that every audit row updated in its own statement, so all writers of a tenant queued on
 * that row's lock until they committed (engine sends in one tenant fell by about 40 %). Now
 * each tenant has up to `AUDIT_SHARDS` (32) streams, one per `hashtext(chain) mod 32`:
 *
 * - every row carries its `shard`; `tenant_seq` and `head_hash` are its place and the running
 *   hash in its shard's stream (the same rule as before, per shard), and `audit_heads` holds one
 *   row per (tenant, shard). A chain always falls in one shard, so the shard row's lock still
 *   orders a chain's writers (seq order stays link order); two cases in different shards no
 *   longer wait for each other.
 * - rows written before this migration are shard 0's stream, unchanged: the tenant's old head
 *   row becomes shard 0's head and new rows of shard 0 continue it.
 * - a checkpoint signs the whole head: `shards` holds the vector `[{ shard, rows, hash }]` and
 *   `hash` is the SHA-256 of it (see `auditHeadDigest`), `rows` the sum. Checkpoints of before
 *   have no vector: they signed shard 0's head.
 *
 * And the revocations the runtime's principal cache must hear of (auth/principalCache.ts): a
 * user disabled, an API key revoked or deleted NOTIFY `exflow_principals:<schema>` with
 * `tenant|principal` when they commit, whoever changed them (another runtime process, or SQL).
 */
const statements = [
  `ALTER TABLE audit ADD COLUMN shard smallint NOT NULL DEFAULT 0`,
  `DROP INDEX audit_tenant_seq`,
  `CREATE UNIQUE INDEX audit_tenant_seq ON audit (tenant_id, shard, tenant_seq)`,
  `ALTER TABLE audit_heads ADD COLUMN shard smallint NOT NULL DEFAULT 0`,
  `ALTER TABLE audit_heads DROP CONSTRAINT audit_heads_pkey`,
  `ALTER TABLE audit_heads ADD PRIMARY KEY (tenant_id, shard)`,
  `ALTER TABLE audit_checkpoints ADD COLUMN shards jsonb`,
  `CREATE OR REPLACE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE previous text; head_rows bigint; head text;
   BEGIN
     NEW.chain := coalesce(NEW.case_id, '~tenant');
     NEW.shard := (hashtext(NEW.chain) & 2147483647) % 32;
     -- the shard's head row, locked: one writer of the shard at a time, so the shard's stream
     -- and each chain in it link in the order rows are numbered
     SELECT rows, hash INTO head_rows, head FROM audit_heads WHERE tenant_id = NEW.tenant_id AND shard = NEW.shard FOR UPDATE;
     IF NOT FOUND THEN
       INSERT INTO audit_heads (tenant_id, shard, rows, hash) VALUES (NEW.tenant_id, NEW.shard, 0, '') ON CONFLICT (tenant_id, shard) DO NOTHING;
       SELECT rows, hash INTO head_rows, head FROM audit_heads WHERE tenant_id = NEW.tenant_id AND shard = NEW.shard FOR UPDATE;
     END IF;
     NEW.seq := nextval('audit_seq_seq');
     SELECT hash INTO previous FROM audit WHERE tenant_id = NEW.tenant_id AND chain = NEW.chain ORDER BY seq DESC LIMIT 1;
     NEW.prev_hash := previous;
     NEW.hash := audit_row_hash(previous, NEW);
     NEW.tenant_seq := head_rows + 1;
     NEW.head_hash := audit_head_hash(nullif(head, ''), NEW.hash);
     UPDATE audit_heads SET rows = NEW.tenant_seq, hash = NEW.head_hash, updated_at = now() WHERE tenant_id = NEW.tenant_id AND shard = NEW.shard;
     RETURN NEW;
   END $$`,

  `CREATE FUNCTION principal_revoked_notify() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE r record;
   BEGIN
     r := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
     PERFORM pg_notify('exflow_principals:' || current_schema(),
       r.tenant_id || '|' || CASE WHEN TG_TABLE_NAME = 'api_keys' THEN 'apikey:' || r.id ELSE r.id END);
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER users_disabled_notify AFTER UPDATE OF disabled_at ON users
   FOR EACH ROW WHEN (NEW.disabled_at IS NOT NULL) EXECUTE FUNCTION principal_revoked_notify()`,
  `CREATE TRIGGER users_deleted_notify AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION principal_revoked_notify()`,
  `CREATE TRIGGER api_keys_revoked_notify AFTER UPDATE OF revoked_at ON api_keys
   FOR EACH ROW WHEN (NEW.revoked_at IS NOT NULL) EXECUTE FUNCTION principal_revoked_notify()`,
  `CREATE TRIGGER api_keys_deleted_notify AFTER DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION principal_revoked_notify()`,
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of statements) await knex.raw(sql);
}

export async function down(): Promise<void> {
  throw new Error('014_audit_shards cannot be rolled back: it would merge the shards of the audit head');
}
