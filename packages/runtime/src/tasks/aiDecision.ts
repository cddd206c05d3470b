import type { AiSuggestionView } from '@exflow/shared';
import { tenantPolicies } from '../auth/tenancy.js';
import { createAiSuggestionRepository, type HumanDecision } from '../store/aiSuggestionRepository.js';
import { createAuditRepository } from '../store/auditRepository.js';
import type { Db } from '../store/db.js';

/** Decisions the drift alert looks back over, unless the tenant policy `aiDriftWindow` says otherwise. */
export const DEFAULT_DRIFT_WINDOW = 50;
/** Agreement rate below which a drift alert is raised, unless `aiDriftMinAgreement` says otherwise. */
export const DEFAULT_DRIFT_MIN_AGREEMENT = 0.8;

/**
 * Audits a person's decision stored beside the AI suggestion for the step (`decided`: agreed or
 * overridden; the task's completing statement stored it), and raises a drift alert when the
 * kind's agreement over the last `aiDriftWindow` decisions (a full window) falls below
 * `aiDriftMinAgreement`. Runs in the completion's transaction.
 */
export async function recordHumanDecision(db: Db, tenantId: string, decision: HumanDecision, decided: AiSuggestionView): Promise<void> {
  const repo = createAiSuggestionRepository(db);
  const audit = createAuditRepository(db);
  await audit.record(tenantId, {
    caseId: decision.caseId,
    actor: decision.user,
    action: decided.agreed ? 'ai.suggestion-accepted' : 'ai.suggestion-overridden',
    entity: 'ai_suggestion',
    entityId: decided.id,
    data: { stepId: decided.stepId, taskId: decision.taskId, suggested: decided.outcome, decided: decision.outcome, probability: decided.probability },
  });
  const policies = (await tenantPolicies(db, tenantId)) as { aiDriftWindow?: number; aiDriftMinAgreement?: number };
  const window = policies.aiDriftWindow ?? DEFAULT_DRIFT_WINDOW;
  const threshold = policies.aiDriftMinAgreement ?? DEFAULT_DRIFT_MIN_AGREEMENT;
  const recent = await repo.recentAgreement(tenantId, decided.exceptionKind, window);
  if (recent.decided < window) return;
  const rate = recent.agreed / recent.decided;
  if (rate >= threshold) return;
  const kind = decided.exceptionKind ?? 'none';
  const alert = await repo.raiseAlert(tenantId, {
    exceptionKind: kind,
    agreementRate: rate,
    threshold,
    windowSize: window,
    message: `People agreed with the AI on ${Math.round(rate * 100)} % of the last ${window} "${kind}" decisions, below ${Math.round(threshold * 100)} %: check the model before relying on its suggestions`,
  });
  if (alert) {
    await audit.record(tenantId, { actor: 'system', action: 'ai.drift-alert', entity: 'ai_alert', entityId: alert.id, data: { ...alert } });
  }
}
