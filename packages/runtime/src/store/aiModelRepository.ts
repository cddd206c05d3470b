import type { Calibration, FeatureDistribution, Finding, HistoryInvoice, Invoice, ReliabilityBin, SourceChannel } from '@exflow/shared';
import type { Db } from './db.js';
import { newId } from './ids.js';

export type AiModelKind = 'recommender' | 'anomaly';

/** A trained model's row without its (large) serialized model. */
export interface AiModelSummary {
  id: string;
  tenantId: string;
  kind: AiModelKind;
  version: number;
  /** Issue dates of the first and last invoice it was trained on. */
  trainedFrom: string | null;
  trainedTo: string | null;
  n: number;
  /** Other tenants (an MSP's consenting clients) whose decided cases it also learned from. */
  pooledFrom: string[];
  metrics: Record<string, unknown>;
  calibration: Calibration | Record<string, Calibration> | null;
  reliability: ReliabilityBin[];
  createdAt: string;
}

export interface AiModelRow extends AiModelSummary {
  model: unknown;
  /** The training feature distribution (the recommender's; what the drift check compares with). */
  featureDistribution?: FeatureDistribution | null;
}

/** What a model learns from about one invoice: its body, triage's verdict and its supplier. */
export interface InvoiceFacts {
  tenantId: string;
  invoiceId: string;
  issueDate: string;
  supplierKey: string;
  channel: SourceChannel;
  body: Invoice;
  findings: Finding[];
  triage: {
    summary?: { maxPriceVariancePct?: number | null; maxQuantityVariance?: number | null; taxMaxDifference?: number | null; poFound?: boolean };
    params?: unknown;
  } | null;
}

/** One decided human step: the case's invoice, the step, and what the person chose. */
export interface DecidedStep extends InvoiceFacts {
  caseId: string;
  /** `<flow key>/<node id>`: one classifier per step of a flow (outcome ids differ between flows). */
  stepKey: string;
  outcome: string;
  completedAt: string;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string | null));
const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : v ? String(v).slice(0, 10) : null);

const toSummary = (r: any): AiModelSummary => ({
  id: r.id,
  tenantId: r.tenant_id,
  kind: r.kind,
  version: r.version,
  trainedFrom: day(r.trained_from),
  trainedTo: day(r.trained_to),
  n: r.n,
  pooledFrom: r.pooled_from ?? [],
  metrics: r.metrics ?? {},
  calibration: r.calibration ?? null,
  reliability: r.reliability ?? [],
  createdAt: iso(r.created_at)!,
});

const SUMMARY_COLUMNS = [
  'id',
  'tenant_id',
  'kind',
  'version',
  'trained_from',
  'trained_to',
  'n',
  'pooled_from',
  'metrics',
  'calibration',
  'reliability',
  'created_at',
];

const supplierKey = (r: any) => String(r.supplier_id ?? `name:${String(r.supplier_name).toLowerCase()}`);

/** The columns of `invoices as i` that `toFacts` reads. */
const FACT_COLUMNS = [
  'tenant_id',
  'id as invoice_id',
  'issue_date',
  'received_at',
  'supplier_id',
  'supplier_name',
  'channel',
  'body',
  'findings',
  'triage',
].map((c) => `i.${c}`);

const toFacts = (r: any): InvoiceFacts => ({
  tenantId: r.tenant_id,
  invoiceId: r.invoice_id,
  issueDate: day(r.issue_date) ?? day(r.received_at)!,
  supplierKey: supplierKey(r),
  channel: r.channel,
  body: r.body,
  findings: r.findings ?? [],
  triage: r.triage ?? null,
});

/** An invoice as history reads it (`toHistory`). */
const toHistory = (r: any): HistoryInvoice => ({
  issueDate: day(r.issue_date) ?? day(r.received_at)!,
  grossTotal: Number(r.gross_total),
  ...(r.bank_account ? { bankAccount: r.bank_account } : {}),
  hadFindings: Boolean(r.had_findings),
});

export function createAiModelRepository(db: Db) {
  /** The columns of `invoices` that `toHistory` reads. */
  const historyColumns = () => [
    'issue_date',
    'received_at',
    'gross_total',
    db.raw(`body->'supplier'->>'bankAccount' AS bank_account`),
    db.raw(`jsonb_array_length(findings) > 0 AS had_findings`),
  ];
  return {
    /** Writes a new model row, one version above the tenant's latest of its kind. */
    async insert(model: Omit<AiModelRow, 'id' | 'version' | 'createdAt'>): Promise<AiModelSummary> {
      return db.transaction(async (trx) => {
        // one writer per (tenant, kind) at a time: the unique key would refuse a concurrent twin anyway
        await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`ai_models:${model.tenantId}:${model.kind}`]);
        const latest = await trx('ai_models').where({ tenant_id: model.tenantId, kind: model.kind }).max('version as v').first();
        const [row] = await trx('ai_models')
          .insert({
            tenant_id: model.tenantId,
            id: newId(),
            kind: model.kind,
            version: Number(latest?.v ?? 0) + 1,
            trained_from: model.trainedFrom,
            trained_to: model.trainedTo,
            n: model.n,
            pooled_from: JSON.stringify(model.pooledFrom),
            metrics: JSON.stringify(model.metrics),
            calibration: model.calibration ? JSON.stringify(model.calibration) : null,
            reliability: JSON.stringify(model.reliability),
            model: JSON.stringify(model.model),
            feature_distribution: model.featureDistribution ? JSON.stringify(model.featureDistribution) : null,
          })
          .returning(SUMMARY_COLUMNS);
        return toSummary(row);
      });
    },

    /** Deletes the tenant's rows of a kind older than its `keep` newest versions; returns how many went. */
    async prune(tenantId: string, kind: AiModelKind, keep: number): Promise<number> {
      const newest = await db('ai_models')
        .where({ tenant_id: tenantId, kind })
        .orderBy('version', 'desc')
        .offset(keep - 1)
        .first('version');
      if (!newest) return 0;
      return db('ai_models').where({ tenant_id: tenantId, kind }).andWhere('version', '<', newest.version).delete();
    },

    /** The newest recommender's training feature distribution, and when it was trained. */
    async latestDistribution(tenantId: string): Promise<{ id: string; createdAt: string; distribution: FeatureDistribution } | undefined> {
      const row = await db('ai_models')
        .where({ tenant_id: tenantId, kind: 'recommender' })
        .whereNotNull('feature_distribution')
        .orderBy('version', 'desc')
        .first('id', 'created_at', 'feature_distribution');
      return row ? { id: row.id, createdAt: iso(row.created_at)!, distribution: row.feature_distribution } : undefined;
    },

    /** The newest `limit` invoices that opened a case, received after `since` (what the drift check compares). */
    async recentCaseInvoices(tenantId: string, since: string, limit: number): Promise<InvoiceFacts[]> {
      const rows = await db('invoices as i')
        .where('i.tenant_id', tenantId)
        .andWhere('i.received_at', '>', since)
        .whereExists(function () {
          this.select(db.raw('1')).from('cases as c').whereRaw('c.tenant_id = i.tenant_id AND c.invoice_id = i.id');
        })
        .orderBy([
          { column: 'i.received_at', order: 'desc' },
          { column: 'i.id', order: 'desc' },
        ])
        .limit(limit)
        .select(FACT_COLUMNS);
      return rows.map(toFacts);
    },

    /** The tenant's models, newest first, without their serialized models. */
    async list(tenantId: string, limit = 50): Promise<AiModelSummary[]> {
      return (
        await db('ai_models')
          .where({ tenant_id: tenantId })
          .orderBy([
            { column: 'created_at', order: 'desc' },
            { column: 'version', order: 'desc' },
          ])
          .limit(limit)
          .select(SUMMARY_COLUMNS)
      ).map(toSummary);
    },

    /** The newest version of each kind (cheap: what a cache compares with). */
    async latestVersions(tenantId: string): Promise<Partial<Record<AiModelKind, number>>> {
      const rows = await db('ai_models').where({ tenant_id: tenantId }).groupBy('kind').select('kind').max('version as v');
      return Object.fromEntries(rows.map((r: any) => [r.kind, Number(r.v)]));
    },

    /** The flag threshold stored in an anomaly model row. */
    async anomalyThreshold(modelId: string): Promise<number | undefined> {
      const row = await db('ai_models').where({ id: modelId, kind: 'anomaly' }).first(db.raw(`model->'threshold' AS threshold`));
      return row?.threshold === undefined || row.threshold === null ? undefined : Number(row.threshold);
    },

    async latest(tenantId: string, kind: AiModelKind): Promise<AiModelRow | undefined> {
      const row = await db('ai_models').where({ tenant_id: tenantId, kind }).orderBy('version', 'desc').first();
      return row ? { ...toSummary(row), model: row.model } : undefined;
    },

    /**
     * Completed human steps of the tenants' cases that came from an invoice, oldest first,
     * optionally only those whose invoice was issued on or before `until`.
     */
    async decidedSteps(tenantIds: string[], until?: string): Promise<DecidedStep[]> {
      const q = db('tasks as t')
        .join('cases as c', function () {
          this.on('c.tenant_id', 't.tenant_id').andOn('c.id', 't.case_id');
        })
        .join('definitions as d', function () {
          this.on('d.tenant_id', 'c.tenant_id').andOn('d.id', 'c.definition_id');
        })
        .join('invoices as i', function () {
          this.on('i.tenant_id', 'c.tenant_id').andOn('i.id', 'c.invoice_id');
        })
        .whereIn('t.tenant_id', tenantIds)
        .andWhere('t.status', 'completed')
        .whereNotNull('t.outcome')
        .select(...FACT_COLUMNS, 't.case_id', 't.node_id', 't.outcome', 't.completed_at', 'd.key as flow_key')
        .orderBy([{ column: 'i.issue_date' }, { column: 't.completed_at' }]);
      if (until) q.andWhere('i.issue_date', '<=', until);
      return (await q).map((r: any) => ({
        ...toFacts(r),
        caseId: r.case_id,
        stepKey: `${r.flow_key}/${r.node_id}`,
        outcome: r.outcome,
        completedAt: iso(r.completed_at)!,
      }));
    },

    /** Every invoice of the tenants, as history reads them (supplier, date, amount, account, findings). */
    async invoiceHistory(tenantIds: string[]): Promise<(HistoryInvoice & { tenantId: string; invoiceId: string; supplierKey: string })[]> {
      const rows = await db('invoices')
        .whereIn('tenant_id', tenantIds)
        .select('tenant_id', 'id', 'supplier_id', 'supplier_name', ...historyColumns());
      return rows.map((r: any) => ({ tenantId: r.tenant_id, invoiceId: r.id, supplierKey: supplierKey(r), ...toHistory(r) }));
    },

    /** One invoice with triage's verdict, and its case's flow key when it has a case. */
    async invoiceFacts(tenantId: string, invoiceId: string): Promise<InvoiceFacts | undefined> {
      const row = await db('invoices as i').where({ 'i.tenant_id': tenantId, 'i.id': invoiceId }).first(FACT_COLUMNS);
      return row ? toFacts(row) : undefined;
    },

    /** The invoice and flow of a case (what a suggestion for one of its steps is computed from). */
    async caseFacts(tenantId: string, caseId: string): Promise<(InvoiceFacts & { flowKey: string }) | undefined> {
      const row = await db('cases as c')
        .join('definitions as d', function () {
          this.on('d.tenant_id', 'c.tenant_id').andOn('d.id', 'c.definition_id');
        })
        .join('invoices as i', function () {
          this.on('i.tenant_id', 'c.tenant_id').andOn('i.id', 'c.invoice_id');
        })
        .where({ 'c.tenant_id': tenantId, 'c.id': caseId })
        .first(...FACT_COLUMNS, 'd.key as flow_key');
      return row ? { ...toFacts(row), flowKey: row.flow_key } : undefined;
    },

    /** The supplier's invoices issued before `before` (or on that day but other ids), newest 500. */
    async supplierInvoices(tenantId: string, facts: InvoiceFacts): Promise<HistoryInvoice[]> {
      const q = db('invoices')
        .where({ tenant_id: tenantId })
        .andWhereNot('id', facts.invoiceId)
        .andWhere('issue_date', '<=', facts.issueDate)
        .orderBy('issue_date', 'desc')
        .limit(500)
        .select(historyColumns());
      if (facts.supplierKey.startsWith('name:')) q.andWhereRaw('lower(supplier_name) = ?', [facts.supplierKey.slice(5)]).whereNull('supplier_id');
      else q.andWhere('supplier_id', facts.supplierKey);
      return (await q).map(toHistory);
    },

    // ---- the retraining job: one row per tenant, claimed with a lease

    /** Gives every tenant without one a retraining job, first due `firstInMs` from now. */
    async ensureJobs(firstInMs: number): Promise<void> {
      await db.raw(
        `INSERT INTO ai_training_jobs (tenant_id, next_run_at)
         SELECT t.id, now() + (? * interval '1 millisecond') FROM tenants t
         WHERE NOT EXISTS (SELECT 1 FROM ai_training_jobs j WHERE j.tenant_id = t.id)
         ON CONFLICT (tenant_id) DO NOTHING`,
        [firstInMs],
      );
    },

    /** Schedules a tenant's next retraining `inMs` from now (after a training on request). */
    async scheduleJob(tenantId: string, inMs: number): Promise<void> {
      await db.raw(
        `INSERT INTO ai_training_jobs (tenant_id, next_run_at) VALUES (?, now() + (? * interval '1 millisecond'))
         ON CONFLICT (tenant_id) DO UPDATE SET next_run_at = EXCLUDED.next_run_at`,
        [tenantId, inMs],
      );
    },

    /**
     * Claims one due job (or one whose lease ran out: its process died mid-training) for
     * `leaseMs`. SKIP LOCKED lets any number of processes share the jobs.
     */
    async claimJob(owner: string, leaseMs: number): Promise<{ tenantId: string; attempts: number } | undefined> {
      const result = await db.raw(
        `UPDATE ai_training_jobs j SET locked_until = now() + (? * interval '1 millisecond'), locked_by = ?, attempts = j.attempts + 1
         FROM (SELECT tenant_id FROM ai_training_jobs
               WHERE next_run_at <= now() AND (locked_until IS NULL OR locked_until < now())
               ORDER BY next_run_at LIMIT 1 FOR UPDATE SKIP LOCKED) due
         WHERE j.tenant_id = due.tenant_id
         RETURNING j.tenant_id, j.attempts`,
        [leaseMs, owner],
      );
      const row = result.rows[0];
      return row ? { tenantId: row.tenant_id, attempts: row.attempts } : undefined;
    },

    /** Ends a claimed job: next run after `cadenceMs`, the lease given back. */
    async finishJob(tenantId: string, owner: string, cadenceMs: number, error: string | null): Promise<void> {
      await db('ai_training_jobs')
        .where({ tenant_id: tenantId, locked_by: owner })
        .update({
          next_run_at: db.raw(`now() + (? * interval '1 millisecond')`, [cadenceMs]),
          locked_until: null,
          locked_by: null,
          attempts: 0,
          last_run_at: db.fn.now(),
          last_error: error,
        });
    },

    /** A tenant's retraining job: when it runs next, who holds it, how the last run went. */
    async job(
      tenantId: string,
    ): Promise<{ nextRunAt: string; lockedUntil: string | null; lockedBy: string | null; lastRunAt: string | null; lastError: string | null } | undefined> {
      const r = await db('ai_training_jobs').where({ tenant_id: tenantId }).first();
      return r
        ? { nextRunAt: iso(r.next_run_at)!, lockedUntil: iso(r.locked_until), lockedBy: r.locked_by, lastRunAt: iso(r.last_run_at), lastError: r.last_error }
        : undefined;
    },
  };
}
