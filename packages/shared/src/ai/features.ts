import { EXCEPTION_KINDS, type Finding } from '../checks/finding.js';
import type { Invoice, SourceChannel } from '../invoice/invoice.js';

/**
 * The features the AI models read (docs/ai.md, "Features"): one pure function from what the
 * product already holds about an invoice, so training, scoring and the evaluation compute
 * them the same way. No clock: every date is the invoice's own or passed in.
 */

const CHANNELS: readonly SourceChannel[] = ['api', 'portal', 'email', 'edi', 'ubl', 'cii', 'x12', 'edifact', 'csv'];

/** Buckets of the hashed bag of words over line descriptions and rule ids. */
export const TEXT_BUCKETS = 8;

/** One earlier invoice of the same supplier, as history reads it. */
export interface HistoryInvoice {
  issueDate: string;
  grossTotal: number;
  bankAccount?: string;
  /** Whether triage found anything on it. */
  hadFindings: boolean;
}

/** What the supplier's earlier invoices say (see {@link supplierHistory}). */
export interface SupplierHistory {
  /** Earlier invoices of the supplier. */
  count: number;
  /** Share of those with at least one finding. */
  exceptionRate: number;
  /** Mean and standard deviation of log10(gross) over the earlier invoices. */
  logAmountMean: number;
  logAmountStd: number;
  /** Median gross of the earlier invoices (0 without history). */
  typicalAmount: number;
  /** Median days between consecutive earlier invoices (null below two). */
  typicalIntervalDays: number | null;
  /** Days from the latest earlier invoice to this one (null without history). */
  daysSinceLast: number | null;
  /** Bank accounts the earlier invoices carried. */
  knownBankAccounts: string[];
  /** Times the bank account on the supplier's invoices changed. */
  bankChanges: number;
  /** Share of earlier invoices with a round gross (a multiple of 100) and dated on a weekend. */
  roundShare: number;
  weekendShare: number;
}

/** Everything the feature function reads about one invoice. */
export interface FeatureInput {
  invoice: Invoice;
  channel: SourceChannel;
  findings: readonly Finding[];
  history: SupplierHistory;
  /** Purchase-order state from triage's summary. */
  po: { found: boolean; kind?: 'goods' | 'service' };
  /** What triage measured: the worst price variance (percent over the PO), quantity variance (units over receipt) and tax difference. */
  variance?: { pricePct: number | null; quantity: number | null; tax?: number | null };
  /** The price tolerance in force, percent (triage's params), to measure variance against. */
  priceTolerancePct?: number;
}

/** Named numeric features, always the same names in the same order ({@link FEATURE_NAMES}). */
export type Features = Record<string, number>;

const DAY = 86_400_000;
const days = (from: string, to: string) => (Date.parse(to.slice(0, 10)) - Date.parse(from.slice(0, 10))) / DAY;
const median = (xs: number[]) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * A gross amount is round when it is a whole multiple of 100 (1,000.00; 25,300.00).
 * @example isRoundAmount(5000) // true
 */
export function isRoundAmount(gross: number): boolean {
  return gross >= 100 && Math.abs(gross / 100 - Math.round(gross / 100)) < 1e-9;
}

/** Saturday or Sunday (UTC calendar date of an ISO date). */
export function isWeekend(isoDate: string): boolean {
  const d = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`).getUTCDay();
  return d === 0 || d === 6;
}

/** One of the last three days of its month. */
function isMonthEnd(isoDate: string): boolean {
  const d = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  return last - d.getUTCDate() < 3;
}

/**
 * Summarises a supplier's earlier invoices (any order) as of the invoice being scored.
 * @example supplierHistory([{ issueDate: '2026-01-05', grossTotal: 1200, hadFindings: false }], '2026-02-05').daysSinceLast // 31
 */
export function supplierHistory(earlier: readonly HistoryInvoice[], asOfDate: string): SupplierHistory {
  const sorted = [...earlier].sort((a, b) => a.issueDate.localeCompare(b.issueDate));
  const logs = sorted.map((i) => Math.log10(Math.max(1, i.grossTotal)));
  const mean = logs.length ? logs.reduce((a, b) => a + b, 0) / logs.length : 0;
  const variance = logs.length > 1 ? logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1) : 0;
  const intervals: number[] = [];
  for (let i = 1; i < sorted.length; i++) intervals.push(days(sorted[i - 1]!.issueDate, sorted[i]!.issueDate));
  const accounts: string[] = [];
  let changes = 0;
  let previous: string | undefined;
  for (const i of sorted) {
    if (!i.bankAccount) continue;
    if (!accounts.includes(i.bankAccount)) accounts.push(i.bankAccount);
    if (previous !== undefined && previous !== i.bankAccount) changes++;
    previous = i.bankAccount;
  }
  const n = sorted.length;
  const last = sorted[n - 1];
  return {
    count: n,
    exceptionRate: n ? sorted.filter((i) => i.hadFindings).length / n : 0,
    logAmountMean: mean,
    logAmountStd: Math.sqrt(variance),
    typicalAmount: median(sorted.map((i) => i.grossTotal)),
    typicalIntervalDays: intervals.length ? median(intervals) : null,
    daysSinceLast: last ? days(last.issueDate, asOfDate) : null,
    knownBankAccounts: accounts,
    bankChanges: changes,
    roundShare: n ? sorted.filter((i) => isRoundAmount(i.grossTotal)).length / n : 0,
    weekendShare: n ? sorted.filter((i) => isWeekend(i.issueDate)).length / n : 0,
  };
}

/** FNV-1a, 32 bit: a stable hash for the bag of words (same bucket on every machine). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Lower-case words of three letters or more, and `rule:<id>` for each rule a finding broke. */
function tokens(invoice: Invoice, findings: readonly Finding[]): string[] {
  const words = invoice.lines.flatMap((l) => l.description.toLowerCase().split(/[^\p{L}\p{N}]+/u)).filter((w) => w.length >= 3);
  return [...words, ...findings.map((f) => `rule:${f.ruleId ?? f.kind}`)];
}

/** Every feature name, in vector order. */
export const FEATURE_NAMES: readonly string[] = [
  'grossLog10',
  'lineCount',
  'isCreditNote',
  ...CHANNELS.map((c) => `channel.${c}`),
  ...EXCEPTION_KINDS.map((k) => `finding.${k}`),
  'findingCount',
  'highSeverityCount',
  'variancePct',
  'varianceOverTolerancePct',
  'quantityVariance',
  'taxDifference',
  'valueAtRiskLog10',
  'valueAtRiskShare',
  'supplierVolumeLog',
  'supplierExceptionRate',
  'supplierBankChanges',
  'newBankAccount',
  'amountZ',
  'amountToTypicalLog',
  'daysSinceLast',
  'intervalRatio',
  'poFound',
  'poService',
  'weekend',
  'monthEnd',
  'roundAmount',
  ...Array.from({ length: TEXT_BUCKETS }, (_, i) => `text.${i}`),
];

/**
 * The feature vector of one invoice (named; {@link toVector} orders it). Deterministic: the
 * same input gives the same numbers on every machine.
 * @example
 * const f = invoiceFeatures({ invoice, channel: 'api', findings, history: supplierHistory([], invoice.issueDate), po: { found: true } });
 * f['finding.priceVariance'] // 1 when triage found a price variance
 */
export function invoiceFeatures(input: FeatureInput): Features {
  const { invoice, findings, history } = input;
  const gross = Number(invoice.grossTotal);
  const f: Features = Object.fromEntries(FEATURE_NAMES.map((n) => [n, 0]));
  f.grossLog10 = Math.log10(1 + Math.abs(gross));
  f.lineCount = invoice.lines.length;
  f.isCreditNote = invoice.documentType === 'creditNote' ? 1 : 0;
  f[`channel.${input.channel}`] = 1;
  for (const finding of findings) f[`finding.${finding.kind}`] = (f[`finding.${finding.kind}`] ?? 0) + 1;
  f.findingCount = findings.length;
  f.highSeverityCount = findings.filter((x) => x.severity === 'high').length;
  f.variancePct = Math.max(0, input.variance?.pricePct ?? 0);
  f.varianceOverTolerancePct = f.variancePct > 0 ? f.variancePct - (input.priceTolerancePct ?? 0) : 0;
  f.quantityVariance = Math.max(0, input.variance?.quantity ?? 0);
  f.taxDifference = Math.abs(input.variance?.tax ?? 0);
  const atRisk = Math.max(0, ...findings.map((x) => Number(x.valueAtRisk) || 0));
  f.valueAtRiskLog10 = Math.log10(1 + atRisk);
  f.valueAtRiskShare = gross > 0 ? Math.min(1, atRisk / gross) : 0;
  f.supplierVolumeLog = Math.log1p(history.count);
  f.supplierExceptionRate = history.exceptionRate;
  f.supplierBankChanges = history.bankChanges;
  const account = invoice.supplier.bankAccount;
  f.newBankAccount = account && history.knownBankAccounts.length > 0 && !history.knownBankAccounts.includes(account) ? 1 : 0;
  f.amountZ = history.count >= 3 ? (Math.log10(Math.max(1, gross)) - history.logAmountMean) / Math.max(history.logAmountStd, 0.05) : 0;
  f.amountToTypicalLog = history.typicalAmount > 0 ? Math.log10(Math.max(1, gross) / history.typicalAmount) : 0;
  f.daysSinceLast = history.daysSinceLast ?? 0;
  f.intervalRatio = history.typicalIntervalDays && history.daysSinceLast !== null ? history.daysSinceLast / Math.max(1, history.typicalIntervalDays) : 1;
  f.poFound = input.po.found ? 1 : 0;
  f.poService = input.po.kind === 'service' ? 1 : 0;
  f.weekend = isWeekend(invoice.issueDate) ? 1 : 0;
  f.monthEnd = isMonthEnd(invoice.issueDate) ? 1 : 0;
  f.roundAmount = isRoundAmount(gross) ? 1 : 0;
  const words = tokens(invoice, findings);
  for (const w of words) f[`text.${fnv1a(w) % TEXT_BUCKETS}`]! += 1 / words.length;
  return f;
}

/** The features as numbers in {@link FEATURE_NAMES} order (what a model's matrix takes). */
export function toVector(features: Features): number[] {
  return FEATURE_NAMES.map((n) => features[n] ?? 0);
}
