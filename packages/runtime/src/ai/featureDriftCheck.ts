import { featureDrift, PSI_THRESHOLDS, toVector, type AiAlertView, type FeatureShift } from '@exflow/shared';
import { tenantPolicies } from '../auth/tenancy.js';
import { createAiModelRepository } from '../store/aiModelRepository.js';
import { createAiSuggestionRepository } from '../store/aiSuggestionRepository.js';
import { createAuditRepository } from '../store/auditRepository.js';
import type { Db } from '../store/db.js';
import { featuresOf, historyIndex } from './training.js';

/** Recent invoices compared, unless the tenant policy `aiFeatureDriftWindow` says otherwise. */
export const DEFAULT_FEATURE_DRIFT_WINDOW = 200;
/** Fewest recent invoices worth comparing, unless `aiFeatureDriftMinInvoices` says otherwise (fewer: the PSI is mostly sampling noise). */
export const DEFAULT_FEATURE_DRIFT_MIN_INVOICES = 100;

export interface FeatureDriftResult {
  /** The model whose training distribution was compared (null: no recommender with one yet). */
  modelId: string | null;
  /** Recent invoices compared. */
  compared: number;
  /** Every feature's shift, largest first (empty when too few invoices to compare). */
  shifts: FeatureShift[];
  /** The alert raised (undefined: nothing moved significantly, too few invoices, or one is open already). */
  alert?: AiAlertView;
}

/**
 * Compares the newest invoices that opened a case since the tenant's recommender was trained
 * (at most `aiFeatureDriftWindow`) with the model's training feature distribution, per feature
 * by the population stability index, and raises a `feature-drift` alert (one open per tenant,
 * audited) when a feature's PSI reaches {@link PSI_THRESHOLDS}.significant (docs/ai.md, "Drift").
 */
export async function checkFeatureDrift(db: Db, tenantId: string): Promise<FeatureDriftResult> {
  const models = createAiModelRepository(db);
  const latest = await models.latestDistribution(tenantId);
  if (!latest) return { modelId: null, compared: 0, shifts: [] };
  const policies = (await tenantPolicies(db, tenantId)) as { aiFeatureDriftWindow?: number; aiFeatureDriftMinInvoices?: number };
  const window = policies.aiFeatureDriftWindow ?? DEFAULT_FEATURE_DRIFT_WINDOW;
  const minimum = Math.min(window, policies.aiFeatureDriftMinInvoices ?? DEFAULT_FEATURE_DRIFT_MIN_INVOICES);
  const recent = await models.recentCaseInvoices(tenantId, latest.createdAt, window);
  if (recent.length < minimum) return { modelId: latest.id, compared: recent.length, shifts: [] };
  const earlierOf = historyIndex(await models.invoiceHistory([tenantId]));
  const vectors = recent.map((facts) => toVector(featuresOf(facts, earlierOf(facts))));
  const shifts = featureDrift(latest.distribution, vectors);
  const moved = shifts.filter((s) => s.stability === 'significant');
  if (!moved.length) return { modelId: latest.id, compared: recent.length, shifts };
  const named = moved
    .slice(0, 3)
    .map((s) => `${s.feature} (PSI ${s.psi.toFixed(2)})`)
    .join(', ');
  const alert = await createAiSuggestionRepository(db).raiseFeatureDriftAlert(tenantId, {
    modelId: latest.id,
    threshold: PSI_THRESHOLDS.significant,
    windowSize: recent.length,
    features: moved,
    message: `The last ${recent.length} invoices differ from what the model learned from: ${named}${moved.length > 3 ? ` and ${moved.length - 3} more` : ''}. Its suggestions may be less reliable until it is retrained on decisions about such invoices.`,
  });
  if (alert) {
    await createAuditRepository(db).record(tenantId, {
      actor: 'system',
      action: 'ai.feature-drift-alert',
      entity: 'ai_alert',
      entityId: alert.id,
      data: { ...alert },
    });
  }
  return { modelId: latest.id, compared: recent.length, shifts, alert };
}
