import { EXCEPTION_KINDS } from '../checks/finding.js';

/**
 * The rows operational metrics are computed from: one per invoice, case, human task, step visit
 * and task reassignment, already reduced to the facts the definitions need. The runtime reads
 * them from its tables; its SQL twins compute the same figures in the database
 * (docs/insights.md). Times are ISO 8601 instants; buckets are UTC.
 */

/** An invoice as received (the denominator of the per-invoice rates). */
export interface InvoiceFact {
  id: string;
  /** The source channel: api, portal, email, edi, ubl, csv. */
  channel: string;
  receivedAt: string;
  /** Supplier id, else the supplier's name. */
  supplier: string;
  /** The invoice's business unit, else its PO's; `null` when neither names one. */
  businessUnit: string | null;
}

export interface CaseFact {
  id: string;
  invoiceId: string | null;
  definitionId: string;
  definitionVersion: number;
  status: string;
  outcome: string | null;
  openedAt: string;
  closedAt: string | null;
  /** Of the case's invoice (null without one). */
  channel: string | null;
  supplier: string | null;
  businessUnit: string | null;
  /** See {@link caseExceptionKind}; `null` when the case found nothing and asked nobody. */
  exceptionKind: string | null;
  /** The largest value at risk any check or task of the case reported; `null` when none did. */
  valueAtRisk: number | null;
}

export interface TaskFact {
  id: string;
  caseId: string;
  nodeId: string;
  queue: string;
  candidateRoles: string[];
  businessUnit: string | null;
  status: string;
  createdAt: string;
  dueAt: string | null;
  completedAt: string | null;
}

/** One stay of a case in a step, from entering it to leaving it (`null` while still there). */
export interface StepVisitFact {
  caseId: string;
  nodeId: string;
  enteredAt: string;
  leftAt: string | null;
  /** 1 for the first stay of the case in this step, 2 when it came back once, … */
  visit: number;
}

/** A task handed to another person (audited as `task.reassigned`). */
export interface ReassignmentFact {
  caseId: string;
  taskId: string;
  at: string;
}

export interface InsightData {
  invoices: InvoiceFact[];
  cases: CaseFact[];
  tasks: TaskFact[];
  stepVisits: StepVisitFact[];
  reassignments: ReassignmentFact[];
}

const SEVERITY_RANK: Record<string, number> = { high: 3, warning: 2, info: 1 };
const amountOf = (v: unknown): number => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : typeof v === 'number' ? v : 0);
const kindRank = (kind: string): number => {
  const i = (EXCEPTION_KINDS as readonly string[]).indexOf(kind);
  return i < 0 ? EXCEPTION_KINDS.length : i;
};

/**
 * The leading finding kind of the findings triage stored with an invoice (`invoices.findings`):
 * the one putting the most money at risk, then the most severe, then the riskiest kind in
 * {@link EXCEPTION_KINDS}' order, then the first; `null` without findings. Anything that is not
 * a finding with a text `kind` is skipped.
 * @example leadFindingKind([{ kind: 'taxLineMismatch', valueAtRisk: '5' }, { kind: 'priceVariance', valueAtRisk: '60' }]) // 'priceVariance'
 */
export function leadFindingKind(findings: unknown): string | null {
  if (!Array.isArray(findings)) return null;
  let lead: { kind: string; amount: number; severity: number; rank: number } | null = null;
  for (const f of findings as { kind?: unknown; valueAtRisk?: unknown; severity?: unknown }[]) {
    if (!f || typeof f !== 'object' || typeof f.kind !== 'string') continue;
    const next = { kind: f.kind, amount: amountOf(f.valueAtRisk), severity: SEVERITY_RANK[String(f.severity)] ?? 0, rank: kindRank(f.kind) };
    const better =
      !lead ||
      next.amount > lead.amount ||
      (next.amount === lead.amount && (next.severity > lead.severity || (next.severity === lead.severity && next.rank < lead.rank)));
    if (better) lead = next;
  }
  return lead?.kind ?? null;
}

/**
 * The exception kind of a case: the leading finding triage stored with its invoice
 * ({@link leadFindingKind}), else the kind its first human task carries (the finding that put
 * the most money at risk when the task opened), else the first finding any check kept in the
 * case, else `unclassified` when a person was asked anyway, else `null` (no exception).
 * @example caseExceptionKind({ invoiceKind: null, taskKinds: [null, 'priceVariance'], findingKind: null, humanTasks: 2 }) // 'priceVariance'
 */
export function caseExceptionKind(facts: {
  invoiceKind?: string | null;
  taskKinds: (string | null)[];
  findingKind: string | null;
  humanTasks: number;
}): string | null {
  return facts.invoiceKind ?? facts.taskKinds.find((k) => k !== null) ?? facts.findingKind ?? (facts.humanTasks > 0 ? 'unclassified' : null);
}

/**
 * An exception is a case with an exception kind that did not end as `touchless` (triage
 * records a clean invoice as a case that ends at once with that outcome).
 */
export const isException = (c: CaseFact): boolean => c.exceptionKind !== null && c.outcome !== 'touchless';

/** A time bucket, or `all`: the whole period as one bucket (headline figures). */
export type BucketUnit = 'day' | 'week' | 'month' | 'all';

/**
 * The UTC start of the day, ISO week (Monday) or month holding `at`, as `YYYY-MM-DD`: the
 * same as PostgreSQL's `date_trunc(unit, at AT TIME ZONE 'UTC')`.
 * @example bucketOf('2026-11-26T15:00:00Z', 'week') // '2026-11-23'
 */
export function bucketOf(at: string, unit: BucketUnit): string {
  if (unit === 'all') return 'all';
  const d = new Date(at);
  let start: Date;
  if (unit === 'month') start = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  else {
    start = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
    if (unit === 'week') start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  }
  return start.toISOString().slice(0, 10);
}

/**
 * The continuous percentile (linear interpolation between the closest ranks), as PostgreSQL's
 * `percentile_cont(p) WITHIN GROUP (ORDER BY v)`; `null` for no values.
 * @example percentile([10, 20, 30, 40], 0.9) // 37
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** The aging buckets of DOMAIN.md, by whole days of age: 0–2 d, 3–7 d, 8–30 d, > 30 d. */
export const AGE_BUCKETS = ['0-2d', '3-7d', '8-30d', '>30d'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

/** @example ageBucket(3 * 86_400) // '3-7d' */
export function ageBucket(ageSeconds: number): AgeBucket {
  const days = Math.floor(ageSeconds / 86_400);
  return days <= 2 ? '0-2d' : days <= 7 ? '3-7d' : days <= 30 ? '8-30d' : '>30d';
}

export const seconds = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / 1000;
