import type { Knex } from 'knex';

// VAT rates that changed since 2015 in the countries 002 seeds (EU Commission's "VAT rates
// applied in the Member States", Skatteetaten for Norway). A row with an open start is valid
// from the epoch; a closed row ends on its last day.
const DATED: { country: string; rate: string; validFrom: string | null; validTo: string | null }[] = [
  // Netherlands: the reduced rate went from 6 % to 9 % on 1 January 2019
  { country: 'NL', rate: '6', validFrom: null, validTo: '2018-12-31' },
  { country: 'NL', rate: '9', validFrom: '2019-01-01', validTo: null },
  // Italy: the 5 % super-reduced rate exists from 1 January 2016
  { country: 'IT', rate: '5', validFrom: '2016-01-01', validTo: null },
  // Norway: the low rate was 8 % until 2015, 10 % in 2016–2017, 12 % from 2018, and 6 % from
  // 1 April 2020 to 30 September 2021 (COVID-19 relief)
  { country: 'NO', rate: '8', validFrom: null, validTo: '2015-12-31' },
  { country: 'NO', rate: '10', validFrom: '2016-01-01', validTo: '2017-12-31' },
  { country: 'NO', rate: '12', validFrom: '2018-01-01', validTo: '2020-03-31' },
  { country: 'NO', rate: '6', validFrom: '2020-04-01', validTo: '2021-09-30' },
  { country: 'NO', rate: '12', validFrom: '2021-10-01', validTo: null },
];

const statements = [
  // triage's verdict on each invoice, stored with it (never only in a response)
  `ALTER TABLE invoices ADD COLUMN findings jsonb NOT NULL DEFAULT '[]'`,
  `ALTER TABLE invoices ADD COLUMN triage_outcome text`,
  `ALTER TABLE invoices ADD COLUMN triage jsonb`,
  `CREATE INDEX invoices_triage_outcome ON invoices (tenant_id, triage_outcome, received_at)`,
  // the tenant's routing table: finding kinds → exception flows (policy data, one row per tenant)
  `CREATE TABLE routing_tables (
     tenant_id text NOT NULL REFERENCES tenants(id),
     rules jsonb NOT NULL DEFAULT '[]',
     updated_by text,
     updated_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant_id))`,
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of statements) await knex.raw(sql);
  const countries = [...new Set(DATED.map((r) => r.country))];
  for (const country of countries) {
    const rates = [...new Set(DATED.filter((r) => r.country === country).map((r) => r.rate))];
    await knex('tax_rates').where({ country }).whereIn('rate', rates).delete();
  }
  await knex('tax_rates').insert(DATED.map((r) => ({ country: r.country, rate: r.rate, valid_from: r.validFrom ?? '1970-01-01', valid_to: r.validTo })));
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE routing_tables');
  for (const c of ['findings', 'triage_outcome', 'triage']) await knex.raw(`ALTER TABLE invoices DROP COLUMN ${c}`);
}
