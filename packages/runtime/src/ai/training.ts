import {
  DEFAULT_ANOMALY_WEIGHTS,
  featureDistribution,
  invoiceFeatures,
  reliabilityCurve,
  scoreAnomaly,
  supplierHistory,
  toVector,
  type AnomalyWeights,
  type Features,
  type HistoryInvoice,
  type ReliabilityBin,
} from '@exflow/shared';
import { createAiModelRepository, type AiModelSummary, type InvoiceFacts } from '../store/aiModelRepository.js';
import type { Db } from '../store/db.js';
import { createTenantRepository } from '../store/tenantRepository.js';
import type { StepExample, StepModel } from './recommender.js';
import { trainStepsOffThread } from './stepTrainer.js';

/** The policy key by which a client tenant lets its MSP pool its decided cases into the MSP's model. */
export const POOL_POLICY_KEY = 'aiPoolWithMsp';

/** The anomaly score at or above which an invoice is flagged (docs/ai.md, chosen on the evaluation corpus). */
export const ANOMALY_THRESHOLD = 0.5;

/** What the recommender row's `model` holds: one model per step of a flow (`<flow key>/<node id>`). */
export interface RecommenderModel {
  steps: Record<string, StepModel>;
}

/** What the anomaly row's `model` holds. */
export interface AnomalyModel {
  weights: AnomalyWeights;
  threshold: number;
}

type HistoryRow = HistoryInvoice & { tenantId: string; invoiceId: string; supplierKey: string };

/** Earlier invoices of each (tenant, supplier), for history as of any invoice. */
export function historyIndex(rows: readonly HistoryRow[]) {
  const bySupplier = new Map<string, HistoryRow[]>();
  for (const r of rows) {
    const key = `${r.tenantId}\u0000${r.supplierKey}`;
    const list = bySupplier.get(key) ?? [];
    list.push(r);
    bySupplier.set(key, list);
  }
  return (facts: Pick<InvoiceFacts, 'tenantId' | 'invoiceId' | 'supplierKey' | 'issueDate'>): HistoryInvoice[] =>
    (bySupplier.get(`${facts.tenantId}\u0000${facts.supplierKey}`) ?? []).filter((r) => r.invoiceId !== facts.invoiceId && r.issueDate <= facts.issueDate);
}

/** The feature vector of an invoice, given its supplier's earlier invoices. */
export function featuresOf(facts: InvoiceFacts, earlier: readonly HistoryInvoice[]): Features {
  const summary = facts.triage?.summary ?? {};
  const params = facts.triage?.params as { threeWayMatch?: { priceTolerancePct?: number } } | undefined;
  return invoiceFeatures({
    invoice: facts.body,
    channel: facts.channel,
    findings: facts.findings,
    history: supplierHistory(earlier, facts.issueDate),
    po: { found: summary.poFound ?? Boolean(facts.body.poNumber) },
    variance: { pricePct: summary.maxPriceVariancePct ?? null, quantity: summary.maxQuantityVariance ?? null, tax: summary.taxMaxDifference ?? null },
    priceTolerancePct: params?.threeWayMatch?.priceTolerancePct,
  });
}

/**
 * The tenants whose decided cases a tenant's model learns from: itself, and when it is an MSP,
 * each client whose own policies set {@link POOL_POLICY_KEY} to true (the client's consent:
 * an MSP policy cannot give it on the client's behalf). A client's model never learns from
 * another tenant.
 */
export async function trainingTenants(db: Db, tenantId: string): Promise<string[]> {
  const tenants = createTenantRepository(db);
  const tenant = await tenants.get(tenantId);
  if (!tenant || tenant.kind !== 'msp') return [tenantId];
  const clients = await tenants.children(tenantId);
  return [tenantId, ...clients.filter((c) => c.policies[POOL_POLICY_KEY] === true).map((c) => c.id)];
}

export interface TrainOptions {
  /** Learn only from invoices issued on or before this date (YYYY-MM-DD): the evaluation's time split. */
  until?: string;
  /** Fewest decisions of a step to train its model from (default 20). */
  minStepExamples?: number;
  /** Model rows kept per tenant and kind after this one is written; older versions are deleted (default {@link MODELS_KEPT}). */
  keep?: number;
}

/** Model rows kept per tenant and kind unless `EXFLOW_AI_KEEP_MODELS` says otherwise. */
export const MODELS_KEPT = 10;

export interface TrainResult {
  recommender: AiModelSummary | null;
  anomaly: AiModelSummary | null;
  /** Steps with too few decisions (or one outcome only) to train. */
  skippedSteps: string[];
}

/**
 * Trains a tenant's recommender and anomaly models from its decided cases and writes them as
 * new model rows (a model with nothing to learn from is not written), keeping the newest
 * `keep` rows of each kind. The recommender's row carries its training feature distribution.
 */
export async function trainTenant(db: Db, tenantId: string, options: TrainOptions = {}): Promise<TrainResult> {
  const repo = createAiModelRepository(db);
  const sources = await trainingTenants(db, tenantId);
  const pooledFrom = sources.filter((t) => t !== tenantId);
  const [decided, history] = await Promise.all([repo.decidedSteps(sources, options.until), repo.invoiceHistory(sources)]);
  const earlierOf = historyIndex(history);

  const byStep = new Map<string, StepExample[]>();
  const range = { from: null as string | null, to: null as string | null };
  // one vector per invoice learned from: the training feature distribution the drift check compares with
  const invoiceVectors = new Map<string, number[]>();
  for (const d of decided) {
    const list = byStep.get(d.stepKey) ?? [];
    const vector = toVector(featuresOf(d, earlierOf(d)));
    list.push({ vector, outcome: d.outcome });
    byStep.set(d.stepKey, list);
    invoiceVectors.set(`${d.tenantId}\u0000${d.invoiceId}`, vector);
    if (!range.from || d.issueDate < range.from) range.from = d.issueDate;
    if (!range.to || d.issueDate > range.to) range.to = d.issueDate;
  }
  const steps: Record<string, StepModel> = {};
  const skippedSteps: string[] = [];
  const curveInput = { p: [] as number[], right: [] as boolean[] };
  const trainedSteps = await trainStepsOffThread(
    [...byStep].map(([key, examples]) => ({ key, examples })),
    options.minStepExamples,
  );
  for (const key of byStep.keys()) {
    const trained = trainedSteps.get(key);
    if (!trained) {
      skippedSteps.push(key);
      continue;
    }
    steps[key] = trained.model;
    // the stored reliability curve: out-of-bag calibrated probabilities of every step
    curveInput.p.push(...trained.oob.probabilities);
    curveInput.right.push(...trained.oob.right);
  }
  const stepKeys = Object.keys(steps);
  let recommender: AiModelSummary | null = null;
  if (stepKeys.length) {
    const reliability: ReliabilityBin[] = reliabilityCurve(curveInput.p, curveInput.right);
    recommender = await repo.insert({
      tenantId,
      kind: 'recommender',
      trainedFrom: range.from,
      trainedTo: range.to,
      n: stepKeys.reduce((n, k) => n + steps[k]!.metrics.n, 0),
      pooledFrom,
      metrics: { steps: Object.fromEntries(stepKeys.map((k) => [k, steps[k]!.metrics])), skippedSteps },
      calibration: Object.fromEntries(stepKeys.map((k) => [k, steps[k]!.calibration])),
      reliability,
      model: { steps } satisfies RecommenderModel,
      featureDistribution: featureDistribution([...invoiceVectors.values()]),
    });
    await repo.prune(tenantId, 'recommender', options.keep ?? MODELS_KEPT);
  }

  // the anomaly model is the signals' weights and the threshold; its metrics describe the scores it gives
  const invoices = history.filter((h) => !options.until || h.issueDate <= options.until);
  const scores: number[] = [];
  for (const h of invoices) {
    const scored = scoreAnomaly(
      { grossTotal: String(h.grossTotal), issueDate: h.issueDate, supplier: { bankAccount: h.bankAccount } },
      supplierHistory(earlierOf(h), h.issueDate),
    );
    if (scored) scores.push(scored.score);
  }
  let anomaly: AiModelSummary | null = null;
  if (scores.length) {
    const sorted = [...scores].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
    const dates = invoices.map((i) => i.issueDate).sort();
    anomaly = await repo.insert({
      tenantId,
      kind: 'anomaly',
      trainedFrom: dates[0] ?? null,
      trainedTo: dates[dates.length - 1] ?? null,
      n: scores.length,
      pooledFrom,
      metrics: {
        scored: scores.length,
        flaggedShare: scores.filter((s) => s >= ANOMALY_THRESHOLD).length / scores.length,
        p50: q(0.5),
        p90: q(0.9),
        p99: q(0.99),
      },
      calibration: null,
      reliability: [],
      model: { weights: DEFAULT_ANOMALY_WEIGHTS, threshold: ANOMALY_THRESHOLD } satisfies AnomalyModel,
    });
    await repo.prune(tenantId, 'anomaly', options.keep ?? MODELS_KEPT);
  }
  return { recommender, anomaly, skippedSteps };
}
