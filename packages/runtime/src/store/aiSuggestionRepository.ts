import type { AgreementRow, AiAlertView, AiGateMode, AiSuggestionView, FeatureShift, Suggestion } from '@exflow/shared';
import type { Db } from './db.js';
import { newId } from './ids.js';

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string));
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

/** An `ai_suggestions` row (or its `to_jsonb`) as the API shows it. */
export const toSuggestion = (r: any): AiSuggestionView => ({
  id: r.id,
  caseId: r.case_id,
  stepId: r.step_id,
  taskId: r.task_id,
  exceptionKind: r.exception_kind,
  outcome: r.suggested_outcome,
  probability: Number(r.probability),
  alternatives: json(r.alternatives),
  factors: json(r.factors),
  modelId: r.model_id,
  threshold: Number(r.threshold),
  mode: r.mode,
  reasons: json(r.reasons),
  humanOutcome: r.human_outcome,
  humanUser: r.human_user,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at ? iso(r.decided_at) : null,
  agreed: r.agreed,
  anomaly: r.anomaly ? json(r.anomaly) : null,
  createdAt: iso(r.created_at),
});

const toAlert = (r: any): AiAlertView => ({
  id: r.id,
  kind: r.kind,
  exceptionKind: r.exception_kind,
  agreementRate: r.agreement_rate === null ? null : Number(r.agreement_rate),
  threshold: Number(r.threshold),
  windowSize: r.window_size,
  features: json<{ features?: FeatureShift[] } | null>(r.details)?.features ?? [],
  modelId: json<{ modelId?: string } | null>(r.details)?.modelId ?? null,
  message: r.message,
  status: r.status,
  raisedAt: iso(r.raised_at),
  acknowledgedBy: r.acknowledged_by,
  acknowledgedAt: r.acknowledged_at ? iso(r.acknowledged_at) : null,
});

/** The human's side of a suggestion, written when the task is completed. */
export interface HumanDecision {
  caseId: string;
  stepId: string;
  taskId: string;
  outcome: string;
  user: string;
}

/** Suggestions of the AI step beside the humans' decisions, and the drift alerts read from them. */
export function createAiSuggestionRepository(db: Db) {
  return {
    /** Records a suggestion and what the gate did with it; an automatic one is decided by the system at once. */
    async record(
      tenantId: string,
      input: {
        caseId: string;
        suggestion: Suggestion;
        exceptionKind: string | null;
        threshold: number;
        mode: AiGateMode;
        reasons: string[];
        anomaly: AiSuggestionView['anomaly'];
      },
    ): Promise<string> {
      const id = newId();
      const { suggestion: s, mode } = input;
      await db('ai_suggestions').insert({
        tenant_id: tenantId,
        id,
        case_id: input.caseId,
        step_id: s.stepId,
        exception_kind: input.exceptionKind,
        suggested_outcome: s.outcome,
        probability: s.probability,
        alternatives: JSON.stringify(s.alternatives),
        factors: JSON.stringify(s.factors),
        model_id: s.modelId,
        threshold: input.threshold,
        mode,
        reasons: JSON.stringify(input.reasons),
        anomaly: input.anomaly ? JSON.stringify(input.anomaly) : null,
        ...(mode === 'auto' ? { decided_by: 'system', decided_at: db.fn.now() } : {}),
      });
      return id;
    },

    /** The latest suggestion for a step of a case. */
    async forStep(tenantId: string, caseId: string, stepId: string): Promise<AiSuggestionView | undefined> {
      const row = await db('ai_suggestions')
        .where({ tenant_id: tenantId, case_id: caseId, step_id: stepId })
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .first();
      return row ? toSuggestion(row) : undefined;
    },

    /** Agreement per exception kind over suggestions made in [from, to). */
    async agreement(tenantId: string, period: { from?: string; to?: string }): Promise<AgreementRow[]> {
      const q = db('ai_suggestions')
        .where('tenant_id', tenantId)
        .select('exception_kind')
        .count({ suggestions: '*' })
        .select(db.raw(`count(*) FILTER (WHERE mode = 'auto') AS auto`))
        .select(db.raw('count(agreed) AS decided'))
        .select(db.raw('count(*) FILTER (WHERE agreed) AS agreed'))
        .groupBy('exception_kind')
        .orderBy('exception_kind');
      if (period.from) q.andWhere('created_at', '>=', period.from);
      if (period.to) q.andWhere('created_at', '<', period.to);
      const rows = await q;
      return rows.map((r: any) => {
        const decided = Number(r.decided);
        const agreed = Number(r.agreed);
        return {
          exceptionKind: r.exception_kind,
          suggestions: Number(r.suggestions),
          auto: Number(r.auto),
          decided,
          agreed,
          agreementRate: decided ? agreed / decided : null,
        };
      });
    },

    /** How often people agreed with the last `window` decided suggestions of a kind. */
    async recentAgreement(tenantId: string, exceptionKind: string | null, window: number): Promise<{ decided: number; agreed: number }> {
      const recent = db('ai_suggestions')
        .where('tenant_id', tenantId)
        .whereNotNull('agreed')
        .andWhere((w) => (exceptionKind === null ? w.whereNull('exception_kind') : w.where('exception_kind', exceptionKind)))
        .orderBy([
          { column: 'decided_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(window)
        .select('agreed');
      const [row] = await db.from(recent.as('r')).count({ decided: '*' }).select(db.raw('count(*) FILTER (WHERE agreed) AS agreed'));
      return { decided: Number(row?.decided ?? 0), agreed: Number((row as any)?.agreed ?? 0) };
    },

    /** Raises a drift alert unless one is open for the kind; returns it when raised. */
    async raiseAlert(
      tenantId: string,
      alert: { exceptionKind: string; agreementRate: number; threshold: number; windowSize: number; message: string },
    ): Promise<AiAlertView | undefined> {
      const result = await db.raw(
        `INSERT INTO ai_alerts (tenant_id, id, kind, exception_kind, agreement_rate, threshold, window_size, message)
         VALUES (?, ?, 'agreement-drift', ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, kind, exception_kind) WHERE status = 'open' DO NOTHING
         RETURNING *`,
        [tenantId, newId(), alert.exceptionKind, alert.agreementRate, alert.threshold, alert.windowSize, alert.message],
      );
      const rows = (result as { rows: unknown[] }).rows;
      return rows[0] ? toAlert(rows[0]) : undefined;
    },

    /** Raises a feature-drift alert unless one is open for the tenant; returns it when raised. */
    async raiseFeatureDriftAlert(
      tenantId: string,
      alert: { modelId: string; threshold: number; windowSize: number; features: FeatureShift[]; message: string },
    ): Promise<AiAlertView | undefined> {
      const result = await db.raw(
        `INSERT INTO ai_alerts (tenant_id, id, kind, exception_kind, agreement_rate, threshold, window_size, message, details)
         VALUES (?, ?, 'feature-drift', NULL, NULL, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, kind) WHERE status = 'open' AND exception_kind IS NULL DO NOTHING
         RETURNING *`,
        [tenantId, newId(), alert.threshold, alert.windowSize, alert.message, JSON.stringify({ modelId: alert.modelId, features: alert.features })],
      );
      const rows = (result as { rows: unknown[] }).rows;
      return rows[0] ? toAlert(rows[0]) : undefined;
    },

    async alerts(tenantId: string, status: 'open' | 'acknowledged' | 'all'): Promise<AiAlertView[]> {
      const q = db('ai_alerts').where('tenant_id', tenantId);
      if (status !== 'all') q.andWhere('status', status);
      const rows = await q
        .orderBy([
          { column: 'raised_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(500);
      return rows.map(toAlert);
    },

    async acknowledgeAlert(tenantId: string, id: string, user: string): Promise<AiAlertView | undefined> {
      const [row] = await db('ai_alerts')
        .where({ tenant_id: tenantId, id, status: 'open' })
        .update({ status: 'acknowledged', acknowledged_by: user, acknowledged_at: db.fn.now() })
        .returning('*');
      return row ? toAlert(row) : undefined;
    },
  };
}
