import type { Knex } from 'knex';

/**
 * Anchors the audit trail, so deleting rows past the trigger (a superuser disabling it) is
 * found by `/audit/verify`, and brings the case events into it:
 *
 * - `audit_heads`: one row per tenant, updated by the same trigger that appends a row: the
 *   number of the tenant's rows and a running hash over every row hash appended (all chains).
 *   Each audit row carries its place in that stream (`tenant_seq`) and the running hash after
 *   it (`head_hash`). The head row's lock now orders a tenant's writers (it replaces the
 *   per-chain advisory lock, which it covers), so `tenant_seq` order is the order rows link in.
 * - `audit_checkpoints`: the head signed by the runtime's signing key (written by the runtime,
 *   append-only), so a head rolled back together with the tail is caught against it.
 * - `case_events`: UPDATE, DELETE and TRUNCATE refused; each transition's audit row carries the
 *   hash of its event (`data.event`), and events written before this migration are anchored
 *   by one `case.events.anchored` audit row per case.
 * - the tenant scope of API reads can no longer be moved by code running under it: the
 *   functions row-level security reads it through (policies: rowLevelSecurity.ts).
 */
const statements = [
  `CREATE TABLE audit_heads (
     tenant_id text PRIMARY KEY,
     rows bigint NOT NULL,
     hash text NOT NULL,
     updated_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE audit_checkpoints (
     tenant_id text NOT NULL,
     rows bigint NOT NULL,
     hash text NOT NULL,
     key_id text NOT NULL,
     signature text NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant_id, rows))`,
  `ALTER TABLE audit ADD COLUMN tenant_seq bigint`,
  `ALTER TABLE audit ADD COLUMN head_hash text`,
  `CREATE FUNCTION audit_head_hash(previous text, row_hash text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
     SELECT encode(sha256(convert_to(coalesce(previous, '') || '|' || row_hash, 'UTF8')), 'hex')
   $$`,
  `CREATE FUNCTION case_event_hash(tenant_id text, case_id text, seq integer, type text, payload jsonb, actor text, created_at timestamptz)
   RETURNS text LANGUAGE sql IMMUTABLE AS $$
     SELECT encode(sha256(convert_to(concat_ws('|', tenant_id, case_id, seq::text, type, payload::text, coalesce(actor, ''),
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')), 'UTF8')), 'hex')
   $$`,
  // rows written before this migration join the tenant's stream now, in chain order
  `ALTER TABLE audit DISABLE TRIGGER audit_append_only`,
  `DO $$
   DECLARE r record; running text; last_tenant text := NULL; n bigint := 0;
   BEGIN
     FOR r IN SELECT tenant_id, id, hash FROM audit ORDER BY tenant_id, seq LOOP
       IF last_tenant IS DISTINCT FROM r.tenant_id THEN
         IF last_tenant IS NOT NULL THEN INSERT INTO audit_heads (tenant_id, rows, hash) VALUES (last_tenant, n, running); END IF;
         running := NULL; n := 0; last_tenant := r.tenant_id;
       END IF;
       n := n + 1;
       running := audit_head_hash(running, r.hash);
       UPDATE audit SET tenant_seq = n, head_hash = running WHERE tenant_id = r.tenant_id AND id = r.id;
     END LOOP;
     IF last_tenant IS NOT NULL THEN INSERT INTO audit_heads (tenant_id, rows, hash) VALUES (last_tenant, n, running); END IF;
   END $$`,
  `ALTER TABLE audit ENABLE TRIGGER audit_append_only`,
  `CREATE UNIQUE INDEX audit_tenant_seq ON audit (tenant_id, tenant_seq)`,
  `CREATE OR REPLACE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE previous text; head_rows bigint; head text;
   BEGIN
     NEW.chain := coalesce(NEW.case_id, '~tenant');
     -- the tenant's head row, locked: one writer of the tenant at a time, so the tenant's
     -- stream and each chain link in the order rows are numbered
     SELECT rows, hash INTO head_rows, head FROM audit_heads WHERE tenant_id = NEW.tenant_id FOR UPDATE;
     IF NOT FOUND THEN
       INSERT INTO audit_heads (tenant_id, rows, hash) VALUES (NEW.tenant_id, 0, '') ON CONFLICT (tenant_id) DO NOTHING;
       SELECT rows, hash INTO head_rows, head FROM audit_heads WHERE tenant_id = NEW.tenant_id FOR UPDATE;
     END IF;
     NEW.seq := nextval('audit_seq_seq');
     SELECT hash INTO previous FROM audit WHERE tenant_id = NEW.tenant_id AND chain = NEW.chain ORDER BY seq DESC LIMIT 1;
     NEW.prev_hash := previous;
     NEW.hash := audit_row_hash(previous, NEW);
     NEW.tenant_seq := head_rows + 1;
     NEW.head_hash := audit_head_hash(nullif(head, ''), NEW.hash);
     UPDATE audit_heads SET rows = NEW.tenant_seq, hash = NEW.head_hash, updated_at = now() WHERE tenant_id = NEW.tenant_id;
     RETURN NEW;
   END $$`,
  `CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_heads FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
  `CREATE TRIGGER audit_heads_no_truncate BEFORE TRUNCATE ON audit_heads FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
  `CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
  `CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,

  // case events: append-only, and the ones already written anchored in their case's chain
  `CREATE FUNCTION case_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION 'case_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
   END $$`,
  `CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events FOR EACH ROW EXECUTE FUNCTION case_events_refuse_change()`,
  `CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events FOR EACH STATEMENT EXECUTE FUNCTION case_events_refuse_change()`,
  `INSERT INTO audit (tenant_id, id, case_id, actor, action, entity, entity_id, data)
   SELECT tenant_id, 'anchor-' || md5(tenant_id || '|' || case_id), case_id, NULL, 'case.events.anchored', 'case', case_id,
     jsonb_build_object('events', jsonb_agg(jsonb_build_object('seq', seq, 'hash', case_event_hash(tenant_id, case_id, seq, type, payload, actor, created_at)) ORDER BY seq))
   FROM case_events GROUP BY tenant_id, case_id ORDER BY tenant_id, case_id`,

  // the tenant scope of API reads (see tenantScope.ts): the owner proves the scope's tenant with
  // a keyed hash bound to this backend and transaction; policies accept the tenant only with its
  // proof, so the application role setting exflow.tenant_id itself scopes to no tenant at all
  `CREATE TABLE exflow_scope_secret (secret text NOT NULL)`,
  `INSERT INTO exflow_scope_secret (secret)
   SELECT encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || clock_timestamp()::text, 'UTF8')), 'hex')`,
  `CREATE FUNCTION exflow_scope_proof(tenant text) RETURNS text LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
     SELECT encode(sha256(convert_to(s.secret || '|' || encode(sha256(convert_to(s.secret || '|' || tenant || '|' || pg_backend_pid()::text
       || '|' || extract(epoch FROM transaction_timestamp())::text, 'UTF8')), 'hex'), 'UTF8')), 'hex')
     FROM exflow_scope_secret s
   $$`,
  `REVOKE EXECUTE ON FUNCTION exflow_scope_proof(text) FROM PUBLIC`,
  `CREATE FUNCTION exflow_current_tenant() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
     SELECT t FROM (SELECT current_setting('exflow.tenant_id', true) AS t, current_setting('exflow.tenant_proof', true) AS proof) x
     WHERE t <> '' AND proof = exflow_scope_proof(t)
   $$`,
  `CREATE FUNCTION exflow_current_tenant_parent() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
     SELECT parent_id FROM tenants WHERE id = exflow_current_tenant()
   $$`,
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of statements) await knex.raw(sql);
}

export async function down(): Promise<void> {
  throw new Error('008_audit_anchor cannot be rolled back: it would unanchor the audit trail');
}
