/**
 * Intake benchmark (not a test): invoices per second through the whole path, over HTTP:
 * intake (JSON, or UBL XML parsed and mapped) → triage → case opened → duplicate, tax and
 * supplier checks run by the effect worker → routed by a decision to an end; then intake →
 * triage → routed by the ap-exceptions routing table (no `?definition=`), and triage alone
 * (in process, one invoice after another) to show its share of intake. On PGlite (in memory)
 * and on PostgreSQL (DATABASE_URL, default the local one, in a throw-away schema).
 * Run: `npx -y pnpm@10.34.8 bench:intake` (BENCH_INVOICES per format, BENCH_SENDERS concurrent).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { WorkflowDefinition } from '@exflow/shared';
import { hashPassword } from '../src/auth/passwords.js';
import { loadConfig } from '../src/config/config.js';
import { parseInvoice } from '@exflow/shared';
import { triageInvoice } from '../src/ingest/triage.js';
import { startExflow, type RunningExflow } from '../src/main.js';
import { openDatabase } from '../src/store/db.js';
import { createUserRepository } from '../src/store/userRepository.js';

const INVOICES = Number(process.env.BENCH_INVOICES ?? 300);
const SENDERS = Number(process.env.BENCH_SENDERS ?? 8);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TENANT = 'bench-intake';
const ROUTED = 'bench-routed';
const sample = JSON.parse(readFileSync(new URL('../../../templates/ap-exceptions/samples/tax-correct.json', import.meta.url), 'utf8'));

/** The checks every invoice goes through, then a routing decision; no person, so every case ends. */
const flow: WorkflowDefinition = {
  schemaVersion: 1,
  key: 'bench-intake',
  name: 'Bench: checks and routing',
  nodes: [
    { id: 'start', kind: 'start' },
    { id: 'dup', kind: 'duplicateCheck', config: { service: 'duplicateCheck', params: { windowDays: 14, maxEditDistance: 2 }, resultVar: 'dup' } },
    { id: 'tax', kind: 'taxCheck', config: { service: 'taxCheck', params: {}, resultVar: 'tax' } },
    { id: 'supplier', kind: 'supplierCheck', config: { service: 'supplierCheck', params: {}, resultVar: 'supplier' } },
    {
      id: 'route',
      kind: 'decision',
      config: { branches: [{ id: 'clean', label: 'clean', condition: 'dup.ok = true and tax.ok = true and supplier.ok = true' }] },
    },
    { id: 'approved', kind: 'end', config: { outcome: 'resolved' } },
    { id: 'exception', kind: 'end', config: { outcome: 'rejected' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'dup' },
    { id: 'e2', source: 'dup', target: 'tax', sourcePort: 'done' },
    { id: 'e3', source: 'tax', target: 'supplier', sourcePort: 'done' },
    { id: 'e4', source: 'supplier', target: 'route', sourcePort: 'done' },
    { id: 'e5', source: 'route', target: 'approved', sourcePort: 'clean' },
    { id: 'e6', source: 'route', target: 'exception', sourcePort: 'default' },
  ],
};

/** The tax-correct sample with its own number and quantities, so no two invoices are duplicates. */
function invoiceFor(n: number) {
  const qty = (n % 40) + 1;
  const net = (qty * 11.9).toFixed(2);
  const tax = ((qty * 11.9 * 19) / 100).toFixed(2);
  return {
    ...sample,
    invoiceNumber: `BENCH-${randomBytes(5).toString('hex')}-${n}`,
    netTotal: net,
    taxTotal: tax,
    grossTotal: (Number(net) + Number(tax)).toFixed(2),
    lines: [{ lineId: '1', description: 'Ear defenders', quantity: String(qty), unitPrice: '11.90', netAmount: net, taxRate: '19', taxAmount: tax }],
  };
}

/** The same invoice as a Peppol BIS 3 UBL document. */
function ublFor(n: number): string {
  const i = invoiceFor(n);
  const amount = (v: string) => `currencyID="EUR">${v}`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ID>${i.invoiceNumber}</cbc:ID>
  <cbc:IssueDate>${i.issueDate}</cbc:IssueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PartyIdentification><cbc:ID>${i.supplier.id}</cbc:ID></cac:PartyIdentification>
    <cac:PostalAddress><cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyTaxScheme><cbc:CompanyID>${i.supplier.taxId}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:PartyLegalEntity><cbc:RegistrationName>${i.supplier.name}</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party><cac:PartyLegalEntity><cbc:RegistrationName>Bench Buyer</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>
  <cac:TaxTotal>
    <cbc:TaxAmount ${amount(i.taxTotal)}</cbc:TaxAmount>
    <cac:TaxSubtotal><cbc:TaxableAmount ${amount(i.netTotal)}</cbc:TaxableAmount><cbc:TaxAmount ${amount(i.taxTotal)}</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount ${amount(i.netTotal)}</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount ${amount(i.netTotal)}</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount ${amount(i.grossTotal)}</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount ${amount(i.grossTotal)}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:InvoiceLine>
    <cbc:ID>1</cbc:ID>
    <cbc:InvoicedQuantity unitCode="C62">${i.lines[0].quantity}</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount ${amount(i.netTotal)}</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>Ear defenders</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>
    <cac:Price><cbc:PriceAmount ${amount('11.90')}</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
</Invoice>`;
}

/**
 * One POST. With an idempotency key, a connection the server reset (a kept-alive socket closed
 * under load) is retried: the key makes the retry a replay if the first attempt got through.
 */
async function call(running: RunningExflow, token: string, path: string, body: string, contentType: string, idempotencyKey?: string) {
  const send = () =>
    fetch(`${running.url}/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
      body,
    });
  let response: Response;
  try {
    response = await send();
  } catch (error) {
    if (!idempotencyKey) throw error;
    response = await send();
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function login(running: RunningExflow, email: string) {
  const r = await fetch(`${running.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'bench' }),
  });
  if (!r.ok) throw new Error(`login ${email}: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { token: string }).token;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

/** Intake → triage → routed by the routing table: the route is chosen inside intake's transaction. */
async function measureRouted(running: RunningExflow, token: string) {
  const started = Date.now();
  const outcomes = new Map<string, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < INVOICES) {
        const n = next++;
        const body = await call(running, token, '/invoices', JSON.stringify(invoiceFor(n)), 'application/json', `routed-${n}`);
        const key = `${body.triage.outcome}${body.triage.route.flow ? ` → ${body.triage.route.flow}` : ''}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }
    }),
  );
  return { perSecond: INVOICES / ((Date.now() - started) / 1000), outcomes: [...outcomes].map(([k, v]) => `${v} ${k}`).join(', ') };
}

/** Triage alone, in process, on invoices already stored: what it adds to each intake. */
async function measureTriage(running: RunningExflow, tenantId: string) {
  const rows: { id: string; body: unknown }[] = await running.db('invoices').where({ tenant_id: tenantId }).limit(INVOICES).select('id', 'body');
  const today = new Date().toISOString().slice(0, 10);
  const started = Date.now();
  for (const row of rows) {
    const parsed = parseInvoice(row.body);
    if (!parsed.ok) throw new Error('stored invoice does not parse');
    await running.db.transaction((trx) => triageInvoice(trx, tenantId, row.id, parsed.invoice, {}, today));
  }
  return rows.length / ((Date.now() - started) / 1000);
}

async function measure(running: RunningExflow, token: string, format: 'json' | 'ubl') {
  const started = Date.now();
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < INVOICES) {
        const n = next++;
        const t = Date.now();
        if (format === 'json') await call(running, token, '/invoices?definition=bench-intake', JSON.stringify(invoiceFor(n)), 'application/json', `json-${n}`);
        else await call(running, token, '/invoices/ubl?definition=bench-intake', ublFor(n), 'application/xml', `ubl-${n}`);
        latencies.push(Date.now() - t);
      }
    }),
  );
  const received = Date.now();
  const channel = format === 'json' ? 'api' : 'ubl';
  for (;;) {
    const [{ open }] = await running
      .db('cases as c')
      .join('invoices as i', function () {
        this.on('i.tenant_id', 'c.tenant_id').andOn('i.id', 'c.invoice_id');
      })
      .where({ 'c.tenant_id': TENANT, 'i.channel': channel, 'c.status': 'open' })
      .count({ open: '*' });
    if (Number(open) === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const routed = Date.now();
  latencies.sort((a, b) => a - b);
  return {
    intakePerSecond: INVOICES / ((received - started) / 1000),
    endToEndPerSecond: INVOICES / ((routed - started) / 1000),
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
  };
}

async function run(name: string, databaseUrl?: string) {
  const schema = databaseUrl ? `bench_intake_${randomBytes(4).toString('hex')}` : undefined;
  const config = {
    ...loadConfig({ EXFLOW_RATE_LIMIT_INTAKE: '100000000', EXFLOW_RATE_LIMIT_AUTH: '1000' }),
    port: 0,
    databaseUrl,
    databaseSchema: schema,
    dataDir: '',
    pollMs: 10,
    seedDemo: false,
  };
  const running = await startExflow(config, { log: () => {} });
  try {
    const users = createUserRepository(running.db);
    await users.upsertTenant(TENANT, 'Bench');
    const passwordHash = await hashPassword('bench');
    await users.upsert({ tenantId: TENANT, id: 'bench-owner', email: 'owner@bench.test', name: 'Bench owner', roles: ['process_owner'], passwordHash });
    await users.upsert({ tenantId: TENANT, id: 'bench-erp', email: 'erp@bench.test', name: 'Bench ERP', roles: ['integration'], passwordHash });
    const owner = await login(running, 'owner@bench.test');
    const erp = await login(running, 'erp@bench.test');
    await call(running, owner, '/templates/ap-exceptions/install', JSON.stringify({ publish: false, referenceData: true }), 'application/json');
    const created = await call(running, owner, '/definitions', JSON.stringify(flow), 'application/json');
    await call(running, owner, `/definitions/${created.id}/publish`, '', 'application/json');
    let jsonIntake = 0;
    for (const format of ['json', 'ubl'] as const) {
      const r = await measure(running, erp, format);
      if (format === 'json') jsonIntake = r.intakePerSecond;
      console.log(
        `${name.padEnd(10)} ${format.padEnd(4)}  intake (with triage) ${r.intakePerSecond.toFixed(0).padStart(5)} invoices/s   intake → checks → routed ${r.endToEndPerSecond.toFixed(0).padStart(5)} invoices/s   POST p50 ${r.p50} ms, p95 ${r.p95} ms`,
      );
    }
    // a second tenant with the pack published and its routing table: no ?definition=, routing decides
    await users.upsertTenant(ROUTED, 'Bench routed');
    await users.upsert({
      tenantId: ROUTED,
      id: 'bench-routed-owner',
      email: 'owner@routed.bench.test',
      name: 'Routed owner',
      roles: ['process_owner'],
      passwordHash,
    });
    await users.upsert({ tenantId: ROUTED, id: 'bench-routed-erp', email: 'erp@routed.bench.test', name: 'Routed ERP', roles: ['integration'], passwordHash });
    await call(
      running,
      await login(running, 'owner@routed.bench.test'),
      '/templates/ap-exceptions/install',
      JSON.stringify({ publish: true, referenceData: true }),
      'application/json',
    );
    const routed = await measureRouted(running, await login(running, 'erp@routed.bench.test'));
    console.log(`${name.padEnd(10)} json  intake → triage → routed ${routed.perSecond.toFixed(0).padStart(5)} invoices/s   (${routed.outcomes})`);
    const triagePerSecond = await measureTriage(running, TENANT);
    console.log(
      `${name.padEnd(10)} triage alone ${triagePerSecond.toFixed(0).padStart(5)} invoices/s, one at a time: about ${((100 * jsonIntake) / triagePerSecond).toFixed(0)} % of the JSON intake time (budget: 33 %)`,
    );
  } finally {
    await running.stop();
    if (schema) {
      const admin = openDatabase({ databaseUrl });
      await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      await admin.destroy();
    }
  }
}

console.log(`${INVOICES} invoices per format, ${SENDERS} concurrent senders over HTTP; three checks (duplicate, tax, supplier) and a decision per invoice`);
await run('PGlite');
await run('PostgreSQL', DATABASE_URL).catch((e) => console.log(`PostgreSQL   skipped: ${(e as Error).message}`));
