import type { AnomalyScore, Suggestion, SuggestionProvider } from '@exflow/shared';

/** What the fake model answers for a step: an outcome, its probability, and the reasons. */
export interface FakeAnswer {
  outcome: string;
  probability: number;
  factors?: Suggestion['factors'];
}

/**
 * A deterministic stand-in for the trained models (only the model: the step, gates, store and
 * task view around it are the real ones). It answers, per step id, what the test told it to;
 * for any other step it has no model (null); every invoice gets the anomaly score it was told
 * (none by default). It records what it was asked.
 */
export function fakeSuggestionModel() {
  const answers = new Map<string, FakeAnswer>();
  let anomalyAnswer: Omit<AnomalyScore, 'modelId'> | null = null;
  const asked: { caseId: string; stepId: string; outcomes: string[] }[] = [];
  const provider: SuggestionProvider = {
    async suggest({ caseId, stepId, outcomes }) {
      asked.push({ caseId, stepId, outcomes });
      const answer = answers.get(stepId);
      if (!answer) return null;
      const rest = outcomes.filter((o) => o !== answer.outcome);
      return {
        stepId,
        outcome: answer.outcome,
        probability: answer.probability,
        alternatives: [
          { outcome: answer.outcome, probability: answer.probability },
          ...rest.map((outcome) => ({ outcome, probability: (1 - answer.probability) / Math.max(1, rest.length) })),
        ],
        factors: answer.factors ?? [
          { feature: 'variancePct', text: 'Price 1.8 % above the PO (tolerance 2 %)', weight: 1.4 },
          { feature: 'supplierHistory', text: 'This supplier had 11 similar variances accepted this year', weight: 0.9 },
          { feature: 'amount', text: 'Small amount at risk (36 EUR)', weight: 0.4 },
        ],
        modelId: 'fake-model-1',
      };
    },
    anomaly: async () => anomalyAnswer && { ...anomalyAnswer, modelId: 'fake-anomaly-1' },
  };
  return {
    provider,
    asked,
    /** From now on the model answers `answer` for `stepId` (null: no model for it). */
    answer(stepId: string, answer: FakeAnswer | null) {
      if (answer) answers.set(stepId, answer);
      else answers.delete(stepId);
    },
    /** From now on every invoice scores `answer` (null: no anomaly model). */
    anomaly(answer: Omit<AnomalyScore, 'modelId'> | null) {
      anomalyAnswer = answer;
    },
  };
}
