/**
 * The contract between the AI models (training, scoring) and the flow step that uses them
 * (the `aiSuggestion` node, its gates, the task view). Models produce these; gates and the
 * workspace read them. Nothing here decides: a suggestion is advice until a gate or a person
 * acts on it (docs/ai.md).
 */

/** One reason behind a suggestion or an anomaly score, in words an analyst reads. */
export interface SuggestionFactor {
  /** Feature name as the feature function emits it, e.g. `variancePct`. */
  feature: string;
  /** Plain-language reason in English, e.g. "Price 4.2 % above the PO". */
  text: string;
  /**
   * What `text` says as a stable code and the values it names (`factorReason`), for a client
   * that words it in its user's language; absent on factors stored before codes existed.
   */
  code?: string;
  params?: Record<string, string | number>;
  /** Signed contribution towards the suggested outcome (log-odds or share); larger |weight| first. */
  weight: number;
}

/** A recommended outcome for one human step of one case. */
export interface Suggestion {
  /** The step (flow node id) the suggestion is for. */
  stepId: string;
  /** The outcome id of that step the model recommends, e.g. `acceptVariance`. */
  outcome: string;
  /** Calibrated probability of `outcome` (0..1). */
  probability: number;
  /** Every outcome the model scored, highest first (probabilities sum to 1). */
  alternatives: { outcome: string; probability: number }[];
  factors: SuggestionFactor[];
  /** Id of the model row that produced it (versioned, per tenant). */
  modelId: string;
}

/** How unusual an invoice is against its supplier's history. */
export interface AnomalyScore {
  /** 0 (ordinary) .. 1 (highly unusual). */
  score: number;
  factors: SuggestionFactor[];
  modelId: string;
}

/** What the runtime asks the models for; implemented by the AI service in runtime. */
export interface SuggestionProvider {
  /** The recommendation for `stepId` of the case, or null when no trained model covers it. */
  suggest(input: { tenantId: string; caseId: string; stepId: string; outcomes: string[] }): Promise<Suggestion | null>;
  /** The anomaly score of the invoice, or null when the supplier has too little history. */
  anomaly(input: { tenantId: string; invoiceId: string }): Promise<AnomalyScore | null>;
}
