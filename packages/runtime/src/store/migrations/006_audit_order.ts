import type { Knex } from 'knex';

/**
 * The audit chain trigger took the row's `seq` (its column default) before waiting for the
 * chain's lock, so two concurrent writers could link in the opposite order of their `seq`
 * and `/audit/verify` reported breaks in an intact trail. The row is now numbered after the
 * lock is held, so `seq` order is chain order.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE OR REPLACE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE previous text;
   BEGIN
     NEW.chain := coalesce(NEW.case_id, '~tenant');
     -- one writer per chain at a time (cheap: a case's writers already queue on its row)
     PERFORM pg_advisory_xact_lock(hashtext(NEW.tenant_id || '|' || NEW.chain));
     -- numbered only now, holding the lock: seq order is the order the chain links in
     NEW.seq := nextval(pg_get_serial_sequence('audit', 'seq'));
     SELECT hash INTO previous FROM audit WHERE tenant_id = NEW.tenant_id AND chain = NEW.chain ORDER BY seq DESC LIMIT 1;
     NEW.prev_hash := previous;
     NEW.hash := audit_row_hash(previous, NEW);
     RETURN NEW;
   END $$`);
}

export async function down(): Promise<void> {
  throw new Error('006_audit_order cannot be rolled back: it would reorder the audit chain');
}
