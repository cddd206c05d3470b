import { decideAiGate, type AiGateConfig, type AiGatePolicy, type AiGateStep, type AiSuggestionView, type SuggestionProvider } from '@exflow/shared';
import type { ScopedSuggestionProvider } from '../ai/modelProvider.js';
import { ANOMALY_THRESHOLD } from '../ai/training.js';
import { tenantPolicies } from '../auth/tenancy.js';
import { createAiModelRepository } from '../store/aiModelRepository.js';
import { taskFacts } from '../engine/taskFacts.js';
import { createAiSuggestionRepository } from '../store/aiSuggestionRepository.js';
import { createAuditRepository } from '../store/auditRepository.js';
import { PermanentServiceError, type ServiceCall, type ServiceHandler } from './registry.js';

/** No model: every AI suggestion step passes the case on with no suggestion. */
export const nullSuggestionProvider: SuggestionProvider = {
  suggest: async () => null,
  anomaly: async () => null,
};

/** The params the `aiSuggestion` node compiles into its service call. */
interface AiStepParams extends AiGateConfig {
  forStep: string | null;
  step: AiGateStep | null;
}

/** How many factors a suggestion keeps: the ones an analyst reads. */
const TOP_FACTORS = 5;

/**
 * The anomaly score of the case's invoice, with the flag threshold of the model that scored it
 * (null without an invoice, an anomaly model or enough supplier history).
 */
async function invoiceAnomaly(provider: SuggestionProvider, call: ServiceCall): Promise<AiSuggestionView['anomaly']> {
  if (!call.invoiceId) return null;
  const scored = await provider.anomaly({ tenantId: call.tenantId, invoiceId: call.invoiceId });
  if (!scored) return null;
  const threshold = (await createAiModelRepository(call.db).anomalyThreshold(scored.modelId)) ?? ANOMALY_THRESHOLD;
  const factors = [...scored.factors].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(0, TOP_FACTORS);
  return { score: scored.score, flagged: scored.score >= threshold, threshold, factors, modelId: scored.modelId };
}

/**
 * The AI suggestion step's service (local: it reads the database and the in-process models and
 * runs in the transition's transaction). Asks the provider for the next step's outcome, passes
 * it through the gate (docs/ai.md, "Gates"), takes the anomaly score of the case's invoice,
 * records both in `ai_suggestions` and answers what
 * the case keeps: `{ mode: 'none' }` without a suggestion, else the suggestion and its mode.
 * An automatic completion is audited with the suggestion as its reason.
 */
export function createAiSuggestionService(scopedProvider: ScopedSuggestionProvider): ServiceHandler {
  return async (call) => {
    // read through the call's handle: the step runs inside the transition's transaction
    const provider = scopedProvider.within?.(call.db) ?? scopedProvider;
    const params = call.params as unknown as AiStepParams;
    if (!params.forStep || !params.step) throw new PermanentServiceError('The AI suggestion step does not lead to a human step', 'ai-no-step');
    const suggestion = await provider.suggest({ tenantId: call.tenantId, caseId: call.caseId, stepId: params.forStep, outcomes: params.step.outcomes });
    if (!suggestion) return { mode: 'none', stepId: params.forStep };
    const exceptionKind = taskFacts({ vars: call.vars }).exceptionKind;
    const policy = (await tenantPolicies(call.db, call.tenantId)) as AiGatePolicy;
    const amount = call.invoice ? Number(call.invoice.grossTotal) : Number.NaN;
    const gate = decideAiGate({
      suggestion,
      exceptionKind,
      config: { thresholds: params.thresholds, defaultThreshold: params.defaultThreshold ?? undefined, autoResolve: params.autoResolve },
      step: params.step,
      policy,
      amount,
    });
    const anomaly = await invoiceAnomaly(provider, call);
    const factors = [...suggestion.factors].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(0, TOP_FACTORS);
    const kept = { ...suggestion, stepId: params.forStep, factors };
    const suggestionId = await createAiSuggestionRepository(call.db).record(call.tenantId, {
      caseId: call.caseId,
      suggestion: kept,
      exceptionKind,
      threshold: gate.threshold,
      mode: gate.mode,
      reasons: gate.reasons,
      anomaly,
    });
    if (gate.mode === 'auto') {
      await createAuditRepository(call.db).record(call.tenantId, {
        caseId: call.caseId,
        actor: 'system',
        action: 'ai.auto-resolved',
        entity: 'ai_suggestion',
        entityId: suggestionId,
        data: {
          stepId: params.forStep,
          outcome: suggestion.outcome,
          probability: suggestion.probability,
          threshold: gate.threshold,
          modelId: suggestion.modelId,
          amount,
          reason: factors.map((f) => f.text).join('; '),
        },
      });
    }
    return {
      suggestionId,
      mode: gate.mode,
      stepId: params.forStep,
      outcome: suggestion.outcome,
      probability: suggestion.probability,
      threshold: gate.threshold,
      exceptionKind,
      modelId: suggestion.modelId,
      factors: factors.map((f) => f.text),
      reasons: gate.reasons,
      anomaly: anomaly && { score: anomaly.score, flagged: anomaly.flagged, factors: anomaly.factors.map((f) => f.text) },
    };
  };
}
