import { normaliseInvoiceNumber } from '@exflow/shared';
import type { Knex } from 'knex';

// VAT rates the tax check accepts, per country (percent). Standard and reduced rates as
// published by the European Commission and Skatteetaten; a dated row shows how a temporary
// rate is kept (Germany's 16 % / 5 % in the second half of 2020). Zero-rated, exempt and
// reverse-charge lines are accepted without a row.
const RATES: [country: string, rate: string, validFrom: string | null, validTo: string | null][] = [
  ['DE', '19', null, '2020-06-30'],
  ['DE', '16', '2020-07-01', '2020-12-31'],
  ['DE', '19', '2021-01-01', null],
  ['DE', '7', null, '2020-06-30'],
  ['DE', '5', '2020-07-01', '2020-12-31'],
  ['DE', '7', '2021-01-01', null],
  ['FR', '20', null, null],
  ['FR', '10', null, null],
  ['FR', '5.5', null, null],
  ['FR', '2.1', null, null],
  ['NL', '21', null, null],
  ['NL', '9', null, null],
  ['BE', '21', null, null],
  ['BE', '12', null, null],
  ['BE', '6', null, null],
  ['SE', '25', null, null],
  ['SE', '12', null, null],
  ['SE', '6', null, null],
  ['DK', '25', null, null],
  ['IT', '22', null, null],
  ['IT', '10', null, null],
  ['IT', '5', null, null],
  ['IT', '4', null, null],
  ['ES', '21', null, null],
  ['ES', '10', null, null],
  ['ES', '4', null, null],
  ['NO', '25', null, null],
  ['NO', '15', null, null],
  ['NO', '12', null, null],
];

const statements = [
  // what the duplicate check looks up: the normalised number and the issue date, indexed
  `ALTER TABLE invoices ADD COLUMN invoice_number_key text`,
  `ALTER TABLE invoices ADD COLUMN issue_date date`,
  `ALTER TABLE invoices ADD COLUMN document_type text NOT NULL DEFAULT 'invoice'`,
  `CREATE INDEX invoices_number_key ON invoices (tenant_id, invoice_number_key)`,
  `CREATE INDEX invoices_amount_date ON invoices (tenant_id, gross_total, issue_date)`,
  `CREATE INDEX invoices_channel ON invoices (tenant_id, channel, received_at)`,
  // every bank account a supplier had, from when: "changed within N days" is a query
  `CREATE TABLE supplier_bank_accounts (
     tenant_id text NOT NULL,
     supplier_id text NOT NULL,
     valid_from timestamptz NOT NULL,
     account text NOT NULL,
     is_change boolean NOT NULL,
     previous_account text,
     recorded_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant_id, supplier_id, valid_from, account),
     FOREIGN KEY (tenant_id, supplier_id) REFERENCES suppliers(tenant_id, id))`,
  // one table for every tenant (a Citus reference table when distributed); an open start is the epoch
  `CREATE TABLE tax_rates (
     country text NOT NULL,
     rate numeric NOT NULL,
     valid_from date NOT NULL DEFAULT '1970-01-01',
     valid_to date,
     PRIMARY KEY (country, rate, valid_from))`,
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of statements) await knex.raw(sql);
  await knex('tax_rates').insert(RATES.map(([country, rate, from, to]) => ({ country, rate, valid_from: from ?? '1970-01-01', valid_to: to })));
  // earlier invoices get the same keys new ones are stored with
  const rows: { tenant_id: string; id: string; body: { invoiceNumber: string; issueDate: string; documentType?: string } }[] = await knex('invoices').select(
    'tenant_id',
    'id',
    'body',
  );
  for (const row of rows) {
    await knex('invoices')
      .where({ tenant_id: row.tenant_id, id: row.id })
      .update({
        invoice_number_key: normaliseInvoiceNumber(row.body.invoiceNumber),
        issue_date: row.body.issueDate,
        document_type: row.body.documentType ?? 'invoice',
      });
  }
  // suppliers that already have an account start their history with it
  await knex.raw(`INSERT INTO supplier_bank_accounts (tenant_id, supplier_id, valid_from, account, is_change, previous_account)
    SELECT tenant_id, id, coalesce(bank_account_changed_at, '1970-01-01'), bank_account, bank_account_changed_at IS NOT NULL, NULL FROM suppliers WHERE bank_account IS NOT NULL`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE tax_rates');
  await knex.raw('DROP TABLE supplier_bank_accounts');
  for (const c of ['invoice_number_key', 'issue_date', 'document_type']) await knex.raw(`ALTER TABLE invoices DROP COLUMN ${c}`);
}
