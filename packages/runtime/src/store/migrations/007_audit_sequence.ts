import type { Knex } from 'knex';

/**
 * The audit trigger numbers each row itself (006), so the column default no longer has a job:
 * it took a second number from the sequence on every insert. The trigger now names its
 * sequence directly instead of looking it up in the catalogue on every row.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE audit ALTER COLUMN seq DROP DEFAULT`);
  await knex.raw(`CREATE OR REPLACE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE previous text;
   BEGIN
     NEW.chain := coalesce(NEW.case_id, '~tenant');
     -- one writer per chain at a time (cheap: a case's writers already queue on its row)
     PERFORM pg_advisory_xact_lock(hashtext(NEW.tenant_id || '|' || NEW.chain));
     -- numbered only now, holding the lock: seq order is the order the chain links in
     NEW.seq := nextval('audit_seq_seq');
     SELECT hash INTO previous FROM audit WHERE tenant_id = NEW.tenant_id AND chain = NEW.chain ORDER BY seq DESC LIMIT 1;
     NEW.prev_hash := previous;
     NEW.hash := audit_row_hash(previous, NEW);
     RETURN NEW;
   END $$`);
}

export async function down(): Promise<void> {
  throw new Error('007_audit_sequence cannot be rolled back');
}
