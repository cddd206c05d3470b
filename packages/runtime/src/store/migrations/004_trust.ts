import type { Knex } from 'knex';

// Identity, tenancy and a tamper-evident audit trail (issue: identity, roles, SoD, tenancy).
const statements = [
  // MSPs own client tenants; policies and branding are inherited from the parent
  `ALTER TABLE tenants ADD COLUMN parent_id text REFERENCES tenants(id)`,
  `ALTER TABLE tenants ADD COLUMN kind text NOT NULL DEFAULT 'standalone'`,
  `ALTER TABLE tenants ADD COLUMN branding jsonb`,
  `ALTER TABLE tenants ADD COLUMN policies jsonb NOT NULL DEFAULT '{}'`,
  `ALTER TABLE tenants ADD COLUMN overridable jsonb NOT NULL DEFAULT '[]'`,
  `CREATE TABLE api_keys (
     tenant_id text NOT NULL REFERENCES tenants(id),
     id text NOT NULL,
     name text NOT NULL,
     secret_hash text NOT NULL,
     role text NOT NULL,
     created_by text,
     created_at timestamptz NOT NULL DEFAULT now(),
     revoked_at timestamptz,
     last_used_at timestamptz,
     PRIMARY KEY (tenant_id, id))`,
  `CREATE UNIQUE INDEX api_keys_id ON api_keys (id)`,
  `CREATE TABLE delegations (
     tenant_id text NOT NULL REFERENCES tenants(id),
     id text NOT NULL,
     from_user text NOT NULL,
     to_user text NOT NULL,
     starts_at timestamptz NOT NULL,
     ends_at timestamptz NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     revoked_at timestamptz,
     PRIMARY KEY (tenant_id, id))`,
  `ALTER TABLE tasks ADD COLUMN approvals jsonb NOT NULL DEFAULT '[]'`,
  `ALTER TABLE invoices ADD COLUMN last_edited_by text`,

  // audit: every row hashed with the previous row of its chain (the case, or the tenant's
  // own stream for rows without a case); UPDATE, DELETE and TRUNCATE refused
  `ALTER TABLE audit ADD COLUMN seq bigserial`,
  `ALTER TABLE audit ADD COLUMN chain text`,
  `ALTER TABLE audit ADD COLUMN prev_hash text`,
  `ALTER TABLE audit ADD COLUMN hash text`,
  `CREATE FUNCTION audit_row_hash(prev text, r audit) RETURNS text LANGUAGE sql STABLE AS $$
     SELECT encode(sha256(convert_to(concat_ws('|', coalesce(prev, ''), r.tenant_id, r.id, coalesce(r.case_id, ''),
       coalesce(r.actor, ''), r.action, r.entity, r.entity_id, r.data::text,
       to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')), 'UTF8')), 'hex')
   $$`,
  `CREATE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE previous text;
   BEGIN
     NEW.chain := coalesce(NEW.case_id, '~tenant');
     -- one writer per chain at a time (cheap: a case's writers already queue on its row)
     PERFORM pg_advisory_xact_lock(hashtext(NEW.tenant_id || '|' || NEW.chain));
     SELECT hash INTO previous FROM audit WHERE tenant_id = NEW.tenant_id AND chain = NEW.chain ORDER BY seq DESC LIMIT 1;
     NEW.prev_hash := previous;
     NEW.hash := audit_row_hash(previous, NEW);
     RETURN NEW;
   END $$`,
  `CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION 'audit is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
   END $$`,
  // rows written before this migration get their chain now, oldest first
  `DO $$
   DECLARE r audit; previous text; last_chain text := NULL;
   BEGIN
     FOR r IN SELECT * FROM audit ORDER BY tenant_id, coalesce(case_id, '~tenant'), created_at, id LOOP
       IF last_chain IS DISTINCT FROM r.tenant_id || '|' || coalesce(r.case_id, '~tenant') THEN previous := NULL; END IF;
       r.chain := coalesce(r.case_id, '~tenant');
       UPDATE audit SET chain = r.chain, prev_hash = previous, hash = audit_row_hash(previous, r) WHERE tenant_id = r.tenant_id AND id = r.id;
       previous := audit_row_hash(previous, r);
       last_chain := r.tenant_id || '|' || r.chain;
     END LOOP;
   END $$`,
  `ALTER TABLE audit ALTER COLUMN chain SET NOT NULL`,
  `ALTER TABLE audit ALTER COLUMN hash SET NOT NULL`,
  `CREATE INDEX audit_chain_seq ON audit (tenant_id, chain, seq DESC)`,
  `CREATE TRIGGER audit_chain BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION audit_chain()`,
  `CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
  `CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of statements) await knex.raw(sql);
}

export async function down(): Promise<void> {
  throw new Error('004_trust cannot be rolled back: it would break the audit chain');
}
