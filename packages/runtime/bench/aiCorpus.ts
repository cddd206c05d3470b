import type { Invoice } from '@exflow/shared';
import type { Principal } from '../src/auth/roles.js';
import type { Engine } from '../src/engine/engine.js';
import { receiveInvoice } from '../src/ingest/intake.js';
import { stableHash } from '../src/ingest/stableHash.js';
import type { Db } from '../src/store/db.js';
import { createReferenceRepository, type PurchaseOrderInput } from '../src/store/referenceRepository.js';
import { createUserRepository } from '../src/store/userRepository.js';
import { createTaskWork } from '../src/tasks/taskWork.js';

/**
 * A labelled corpus made through the real engine (docs/ai.md, "Evaluation"): suppliers with
 * their own rhythm, prices and habits invoice a tenant over months (more near quarter and
 * month end); some invoices carry price, quantity or tax exceptions, a few carry injected
 * anomalies (a new bank account, an amount many times the usual, a round amount on a weekend,
 * an invoice days after the last). Every invoice goes through intake (triage, routing, the
 * case, its task); analysts decide each task through the task module by a policy of their own,
 * with noise. The tenant needs the ap-exceptions pack (flows and routing) installed.
 */

export interface CorpusOptions {
  db: Db;
  engine: Engine;
  tenantId: string;
  /** Who sends the invoices (an integration) of the tenant. */
  sender: Principal;
  /** Days of invoicing from `start`. */
  days: number;
  start?: string;
  /** How many suppliers invoice (default 24, eight trades three times over). */
  suppliers?: number;
  /** Share of invoices with an injected anomaly. */
  anomalyRate?: number;
  /** Share of decisions an analyst makes against the policy. */
  noise?: number;
  seed?: number;
  /** Prefix of invoice numbers, PO numbers and supplier ids (two corpora in one database stay apart). */
  prefix?: string;
  /** Told how far the corpus is. */
  progress?: (message: string) => void;
}

export interface CorpusInvoice {
  invoiceId: string;
  issueDate: string;
  supplierId: string;
  kind: 'clean' | 'price' | 'quantity' | 'tax';
  anomaly: 'newBankAccount' | 'amount' | 'roundWeekend' | 'frequency' | null;
  caseId: string | null;
}

export interface CorpusDecision {
  caseId: string;
  invoiceId: string;
  issueDate: string;
  taskId: string;
  stepId: string;
  /** The flow (definition key) of the case. */
  flow: string;
  outcomes: string[];
  outcome: string;
  /** What the policy said before noise (the analyst sometimes errs). */
  policyOutcome: string;
}

interface SupplierProfile {
  id: string;
  name: string;
  country: 'SE' | 'DK' | 'NO' | 'FR';
  rate: number;
  bankAccount: string;
  intervalDays: number;
  /** Share of its invoices with an exception, and how strict analysts are with it. */
  propensity: number;
  surcharges: boolean;
  products: { description: string; price: number; quantity: [number, number] }[];
}

const PROFILES: Omit<SupplierProfile, 'id'>[] = [
  {
    name: 'Nordic Office Supplies AB',
    country: 'SE',
    rate: 25,
    bankAccount: 'SE4550000000058398257466',
    intervalDays: 6,
    propensity: 0.25,
    surcharges: false,
    products: [
      { description: 'Ergonomic office chair', price: 120, quantity: [4, 12] },
      { description: 'Printer paper A4 (box)', price: 32.5, quantity: [10, 40] },
    ],
  },
  {
    name: 'Bergen Maritime Supply AS',
    country: 'NO',
    rate: 25,
    bankAccount: 'NO9386011117947',
    intervalDays: 9,
    propensity: 0.6,
    surcharges: true,
    products: [
      { description: 'Mooring rope 40 mm (coil)', price: 410, quantity: [1, 6] },
      { description: 'Marine diesel filter', price: 58, quantity: [5, 20] },
    ],
  },
  {
    name: 'Atelier Conseil Lyon SARL',
    country: 'FR',
    rate: 20,
    bankAccount: 'FR1420041010050500013M02606',
    intervalDays: 14,
    propensity: 0.3,
    surcharges: false,
    products: [{ description: 'Consulting day, finance transformation', price: 950, quantity: [1, 5] }],
  },
  {
    name: 'Copenhagen Freight ApS',
    country: 'DK',
    rate: 25,
    bankAccount: 'DK5000400440116243',
    intervalDays: 5,
    propensity: 0.55,
    surcharges: true,
    products: [
      { description: 'Pallet transport Copenhagen to Malmo', price: 185, quantity: [2, 10] },
      { description: 'Express courier parcel', price: 24, quantity: [5, 30] },
    ],
  },
  {
    name: 'Svea Packaging AB',
    country: 'SE',
    rate: 25,
    bankAccount: 'SE3550000000054910000003',
    intervalDays: 8,
    propensity: 0.35,
    surcharges: false,
    products: [
      { description: 'Corrugated box 60x40x40', price: 3.2, quantity: [200, 800] },
      { description: 'Stretch film roll', price: 14.9, quantity: [20, 60] },
    ],
  },
  {
    name: 'Fjord Electric AS',
    country: 'NO',
    rate: 25,
    bankAccount: 'NO8330001234567',
    intervalDays: 11,
    propensity: 0.45,
    surcharges: true,
    products: [
      { description: 'Industrial LED fixture', price: 265, quantity: [2, 16] },
      { description: 'Cable tray 3 m', price: 42, quantity: [10, 40] },
    ],
  },
  {
    name: 'Provence Traiteur SAS',
    country: 'FR',
    rate: 20,
    bankAccount: 'FR7630006000011234567890189',
    intervalDays: 7,
    propensity: 0.2,
    surcharges: false,
    products: [{ description: 'Catering lunch per person', price: 18.5, quantity: [20, 120] }],
  },
  {
    name: 'Jutland Steel A/S',
    country: 'DK',
    rate: 25,
    bankAccount: 'DK9520000123456789',
    intervalDays: 16,
    propensity: 0.5,
    surcharges: true,
    products: [{ description: 'Steel plate S355 10 mm', price: 780, quantity: [1, 8] }],
  },
];

/** mulberry32: a small seeded generator, so a corpus is the same on every run. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const money = (n: number) => (Math.round(n * 100) / 100).toFixed(2);
const DAY = 86_400_000;
const addDays = (iso: string, d: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + d * DAY).toISOString().slice(0, 10);
const dayOfYear = (iso: string) => (Date.parse(`${iso}T00:00:00Z`) - Date.parse(`${iso.slice(0, 4)}-01-01T00:00:00Z`)) / DAY;
const isWeekendDay = (iso: string) => [0, 6].includes(new Date(`${iso}T00:00:00Z`).getUTCDay());

/**
 * Makes the corpus: invoices through intake, then every human task of the price, quantity and
 * tax flows decided by the analysts' policy (with `noise`). Returns what was sent and decided.
 */
export async function generateCorpus(options: CorpusOptions): Promise<{ invoices: CorpusInvoice[]; decisions: CorpusDecision[] }> {
  const { db, engine, tenantId, sender } = options;
  const rand = random(options.seed ?? 16);
  const prefix = options.prefix ?? 'AI';
  const start = options.start ?? '2025-07-01';
  const anomalyRate = options.anomalyRate ?? 0.05;
  const noise = options.noise ?? 0.04;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const between = (lo: number, hi: number) => lo + rand() * (hi - lo);
  // each profile several times over: branches of one trade, each its own prices, account and rhythm
  const suppliers: SupplierProfile[] = Array.from({ length: options.suppliers ?? 24 }, (_, i) => {
    const p = PROFILES[i % PROFILES.length]!;
    const round = Math.floor(i / PROFILES.length);
    const factor = 1 + round * 0.15;
    return {
      ...p,
      id: `${prefix}-SUP-${i + 1}`,
      name: round ? `${p.name} (${['Nord', 'Syd', 'Vest', 'Øst'][round % 4]})` : p.name,
      bankAccount: round ? `${p.bankAccount.slice(0, -2)}${String(10 + round).slice(-2)}` : p.bankAccount,
      intervalDays: Math.max(4, Math.round(p.intervalDays * (0.8 + round * 0.25))),
      products: p.products.map((x) => ({ ...x, price: Math.round(x.price * factor * 100) / 100 })),
    };
  });
  const reference = createReferenceRepository(db);
  await reference.upsertSuppliers(
    tenantId,
    suppliers.map((s, i) => ({ id: s.id, name: s.name, country: s.country, bankAccount: s.bankAccount, taxId: `${s.country}${900000000 + i}` })),
  );

  // every supplier's invoice dates: its rhythm, busier at month end and in the fourth quarter
  const plan: { supplier: SupplierProfile; date: string; frequencyAnomaly: boolean }[] = [];
  for (const supplier of suppliers) {
    let offset = Math.floor(rand() * supplier.intervalDays);
    while (offset < options.days) {
      const date = addDays(start, offset);
      const season = 1 + 0.35 * Math.sin(((dayOfYear(date) - 200) / 365) * 2 * Math.PI);
      plan.push({ supplier, date, frequencyAnomaly: false });
      if (rand() < anomalyRate / 4) plan.push({ supplier, date: addDays(date, 1), frequencyAnomaly: true });
      offset += Math.max(1, Math.round((supplier.intervalDays / season) * between(0.7, 1.3)));
    }
  }
  plan.sort((a, b) => a.date.localeCompare(b.date) || a.supplier.id.localeCompare(b.supplier.id));

  // first every invoice as drafted (the generator's draws in a fixed order), then intake
  interface Draft {
    invoice: Invoice;
    channel: 'api' | 'email' | 'ubl' | 'portal';
    kind: CorpusInvoice['kind'];
    anomaly: CorpusInvoice['anomaly'];
    supplier: SupplierProfile;
    /** What the analysts' policy decides, and in which flow. */
    decision?: { flow: string; step: string; outcome: string };
    noisy: boolean;
  }
  const drafts: Draft[] = [];
  const orders: PurchaseOrderInput[] = [];
  let n = 0;
  for (const entry of plan) {
    n++;
    const { supplier } = entry;
    let date = entry.date;
    const r = rand();
    const kind: CorpusInvoice['kind'] =
      r < supplier.propensity * 0.45 ? 'price' : r < supplier.propensity * 0.75 ? 'quantity' : r < supplier.propensity ? 'tax' : 'clean';
    let anomaly: CorpusInvoice['anomaly'] = entry.frequencyAnomaly ? 'frequency' : null;
    if (!anomaly && rand() < (anomalyRate * 3) / 4) anomaly = pick(['newBankAccount', 'amount', 'roundWeekend'] as const);
    // workdays only, as real suppliers date them (an injected weekend date is the anomaly)
    while (isWeekendDay(date) && anomaly !== 'roundWeekend') date = addDays(date, 1);
    if (anomaly === 'roundWeekend') while (!isWeekendDay(date)) date = addDays(date, 1);

    const seasonal = 1 + 0.04 * Math.sin((dayOfYear(date) / 365) * 2 * Math.PI);
    const products = supplier.products.length > 1 && rand() < 0.4 ? supplier.products : [pick(supplier.products)];
    const poNumber = `${prefix}-PO-${n}`;
    const poLines = products.map((p, i) => {
      let quantity = Math.round(between(p.quantity[0], p.quantity[1]));
      if (anomaly === 'amount') quantity *= 8;
      return { lineId: String(i + 1), description: p.description, quantity, price: Math.round(p.price * seasonal * 100) / 100 };
    });
    if (anomaly === 'roundWeekend') {
      // one line whose gross is a round thousand
      const gross = supplier.rate === 25 ? pick([2500, 5000, 7500]) : pick([3000, 6000, 9000]);
      poLines.splice(0, poLines.length, { lineId: '1', description: products[0]!.description, quantity: 1, price: gross / (1 + supplier.rate / 100) });
    }
    orders.push({
      poNumber,
      supplierId: supplier.id,
      currency: 'EUR',
      kind: 'goods',
      lines: poLines.map((l) => ({ lineId: l.lineId, description: l.description, quantity: l.quantity, unitPrice: money(l.price) })),
    });

    let variancePct = 0;
    let overBilled = 0;
    let taxError = 0;
    let surcharge = false;
    const lines = poLines.map((l, i) => {
      let price = l.price;
      let quantity = l.quantity;
      let description = l.description;
      if (i === 0 && kind === 'price') {
        variancePct = between(2.6, 14);
        price = l.price * (1 + variancePct / 100);
        if (supplier.surcharges && rand() < 0.5) {
          surcharge = true;
          description = `${description}, incl. fuel surcharge`;
        }
      }
      if (i === 0 && kind === 'quantity') {
        overBilled = 1 + Math.floor(rand() * 8);
        quantity += overBilled;
      }
      const net = (Math.round(price * 100) / 100) * quantity;
      let tax = (net * supplier.rate) / 100;
      if (i === 0 && kind === 'tax') {
        taxError = Math.exp(between(Math.log(0.12), Math.log(40)));
        tax += taxError;
      }
      return {
        lineId: l.lineId,
        description,
        quantity: String(quantity),
        unitPrice: money(price),
        netAmount: money(net),
        taxRate: String(supplier.rate),
        taxAmount: money(tax),
        poLineRef: l.lineId,
      };
    });
    const netTotal = lines.reduce((sum, l) => sum + Number(l.netAmount), 0);
    const taxTotal = lines.reduce((sum, l) => sum + Number(l.taxAmount), 0);
    // the analysts' policy: what a careful team decides, from what it can see
    const strict = supplier.propensity >= 0.5;
    const valueAtRisk = kind === 'price' ? (Number(lines[0]!.unitPrice) - poLines[0]!.price) * Number(lines[0]!.quantity) : 0;
    const decision =
      kind === 'price'
        ? {
            flow: 'price-variance',
            step: 'procurementReview',
            outcome: (surcharge && variancePct < 9) || (variancePct - 2 <= (strict ? 2 : 4) && valueAtRisk < 1500) ? 'accept' : 'reject',
          }
        : kind === 'quantity'
          ? {
              flow: 'quantity-variance',
              step: 'procurementReview',
              outcome: overBilled <= 1 ? 'accept' : overBilled <= 5 && !strict ? 'payReceived' : 'reject',
            }
          : kind === 'tax'
            ? { flow: 'tax-discrepancy', step: 'taxReview', outcome: taxError < 1 ? 'accept' : 'requestCorrection' }
            : undefined;
    drafts.push({
      invoice: {
        documentType: 'invoice',
        invoiceNumber: `${prefix}-${supplier.id.slice(-1)}-${String(n).padStart(6, '0')}`,
        issueDate: date,
        currency: 'EUR',
        supplier: {
          id: supplier.id,
          name: supplier.name,
          country: supplier.country,
          bankAccount: anomaly === 'newBankAccount' ? `GB${String(10 + Math.floor(rand() * 89))}NWBK601613${String(n).padStart(8, '0')}` : supplier.bankAccount,
        },
        poNumber,
        netTotal: money(netTotal),
        taxTotal: money(taxTotal),
        grossTotal: money(netTotal + taxTotal),
        lines,
      },
      channel: pick(['api', 'api', 'email', 'ubl', 'portal'] as const),
      kind,
      anomaly,
      supplier,
      decision,
      noisy: rand() < noise,
    });
  }
  await db.transaction((trx) => createReferenceRepository(trx).upsertPurchaseOrders(tenantId, orders));
  await reference.upsertGoodsReceipts(
    tenantId,
    orders.flatMap((o) => o.lines.map((l) => ({ id: `${o.poNumber}-GR-${l.lineId}`, poNumber: o.poNumber, lineId: l.lineId, quantity: l.quantity }))),
  );

  const began = Date.now();
  // intake, a few senders at once (as an ERP would), in date order per sender
  const invoices: (CorpusInvoice & { draft: Draft })[] = new Array(drafts.length);
  await inLanes(drafts, LANES, async (draft, i) => {
    const received = await receiveInvoice(db, engine, sender, {
      invoice: draft.invoice,
      channel: draft.channel,
      idempotencyKey: `${prefix}:${draft.invoice.invoiceNumber}`,
      requestHash: stableHash(draft.invoice),
    });
    const body = received.body as { invoice: { id: string }; case: { id: string } | null; triage: { route: { flow: string | null } } };
    // only cases routed to the flow of their exception are decided (a new bank account goes to verification first)
    const routed = body.case && draft.decision && body.triage.route.flow === draft.decision.flow;
    invoices[i] = {
      invoiceId: body.invoice.id,
      issueDate: draft.invoice.issueDate,
      supplierId: draft.supplier.id,
      kind: draft.kind,
      anomaly: draft.anomaly,
      caseId: body.case?.id ?? null,
      draft: routed ? draft : { ...draft, decision: undefined },
    };
  });

  options.progress?.(`intake of ${drafts.length} invoices: ${((Date.now() - began) / 1000).toFixed(1)} s`);
  // two senior analysts (analyst and approver: accepting a variance is an approval, above 10,000 by two people)
  const seniors: Principal[] = [1, 2].map((i) => ({
    userId: `${prefix.toLowerCase()}-senior-${i}`,
    tenantId,
    email: `${prefix.toLowerCase()}-senior-${i}@${tenantId}.example`,
    name: `Senior analyst ${i}`,
    roles: ['analyst', 'approver'],
  }));
  for (const p of seniors) await createUserRepository(db).upsert({ tenantId, id: p.userId, email: p.email, name: p.name, roles: p.roles, passwordHash: null });

  // the tasks come from the cases' effects; each is decided through the task module once it exists
  const work = createTaskWork({ db, engine, realtime: { taskChanged: () => {} } });
  const decided: (CorpusDecision | undefined)[] = new Array(invoices.length);
  await inLanes(invoices, LANES, async (inv, i) => {
    const intended = inv.draft.decision;
    if (!inv.caseId || !intended) return;
    const task = await waitForTask(db, tenantId, inv.caseId, intended.step);
    if (!task) return;
    const outcomes = (task.outcomes as { id: string }[]).map((o) => o.id);
    const others = outcomes.filter((o) => o !== intended.outcome);
    const outcome = inv.draft.noisy ? others[i % others.length]! : intended.outcome;
    const data = { reason: 'Checked against the PO, the receipt and the supplier' };
    const first = await work.complete(seniors[0]!, task.id, outcome, data);
    if (first.status === 202) await work.complete(seniors[1]!, task.id, outcome, data);
    decided[i] = {
      caseId: inv.caseId,
      invoiceId: inv.invoiceId,
      issueDate: inv.issueDate,
      taskId: task.id,
      stepId: intended.step,
      flow: intended.flow,
      outcomes,
      outcome,
      policyOutcome: intended.outcome,
    };
  });
  options.progress?.(`intake and decisions: ${((Date.now() - began) / 1000).toFixed(1)} s`);
  return { invoices: invoices.map(({ draft: _draft, ...inv }) => inv), decisions: decided.filter((d) => d !== undefined) };
}

/** Intake and decisions run this many at a time. */
const LANES = 4;

async function inLanes<T>(items: readonly T[], lanes: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    }),
  );
}

async function waitForTask(db: Db, tenantId: string, caseId: string, nodeId: string): Promise<{ id: string; outcomes: unknown } | undefined> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const task = await db('tasks').where({ tenant_id: tenantId, case_id: caseId, node_id: nodeId, status: 'open' }).first('id', 'outcomes');
    if (task) return task;
    const closed = await db('cases').where({ tenant_id: tenantId, id: caseId }).whereNot('status', 'open').first('id');
    if (closed || Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 20));
  }
}
