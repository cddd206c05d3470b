import { Type, type Static } from '@sinclair/typebox';
import { Count, Id, List, Nullable, OneOf, Text, Timestamp } from './wire.js';

/**
 * One reason behind a suggestion or an anomaly score: `text` in English, and (on factors
 * stored since codes exist) the `code` and `params` a client words in its user's language.
 */
export const factorViewSchema = Type.Object({
  feature: Id(),
  text: Text(500),
  weight: Type.Number({ minimum: -1000, maximum: 1000 }),
  code: Type.Optional(Id("What the text says, e.g. `variancePct`; the designer words it in the user's language")),
  params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 200 }), Type.Number()]), { description: 'The values the text names' })),
});

/** A probability or share, 0..1. */
export const Probability = (description?: string) => Type.Number({ minimum: 0, maximum: 1, ...(description ? { description } : {}) });

/** A suggestion the AI step recorded for a human step, with the human's decision once made. */
export const aiSuggestionViewSchema = Type.Object({
  id: Id(),
  caseId: Id(),
  stepId: Id(),
  taskId: Nullable(Id()),
  exceptionKind: Nullable(Id()),
  outcome: Id('The suggested outcome'),
  probability: Probability('Calibrated probability of the suggested outcome'),
  alternatives: List(Type.Object({ outcome: Id(), probability: Probability() }), 50),
  factors: List(factorViewSchema, 50),
  modelId: Id(),
  threshold: Probability(),
  mode: OneOf(['auto', 'prefill', 'advice'] as const, 'auto: the system completed the step; prefill: the task opens with it chosen; advice: shown only'),
  reasons: List(Text(300), 20, 'Why the mode is not more automatic'),
  humanOutcome: Nullable(Id()),
  humanUser: Nullable(Id()),
  decidedBy: Nullable(Id('The person, or `system` for an automatic completion')),
  decidedAt: Nullable(Timestamp()),
  agreed: Nullable(Type.Boolean()),
  anomaly: Nullable(
    Type.Object(
      {
        score: Probability("0 ordinary .. 1 highly unusual against the supplier's history"),
        flagged: Type.Boolean({ description: 'score at or above the threshold' }),
        threshold: Probability(),
        factors: List(factorViewSchema, 20),
        modelId: Id(),
      },
      { description: "The anomaly score of the case's invoice taken with the suggestion (null: no anomaly model, or too little supplier history)" },
    ),
  ),
  createdAt: Timestamp(),
});
export type AiSuggestionView = Static<typeof aiSuggestionViewSchema>;

/** `GET /tasks/:id/suggestion`: the suggestion for the task's step, or null. */
export const taskSuggestionSchema = Type.Object({ suggestion: Nullable(aiSuggestionViewSchema) });
export type TaskSuggestion = Static<typeof taskSuggestionSchema>;

/** One exception kind's agreement between the AI and the people who decided. */
export const agreementRowSchema = Type.Object({
  exceptionKind: Nullable(Id()),
  suggestions: Count(),
  auto: Count('Completed by the system'),
  decided: Count('Decided by a person'),
  agreed: Count(),
  agreementRate: Nullable(Probability('agreed / decided; null with no decision')),
});
export type AgreementRow = Static<typeof agreementRowSchema>;
export const agreementListSchema = List(agreementRowSchema, 200);

/**
 * A drift alert: the agreement rate of an exception kind over the rolling window fell below the
 * threshold (`agreement-drift`), or recent invoices' features moved away from the model's
 * training distribution (`feature-drift`: population stability index per feature).
 */
export const aiAlertViewSchema = Type.Object({
  id: Id(),
  kind: OneOf(['agreement-drift', 'feature-drift'] as const),
  exceptionKind: Nullable(Id('The kind whose agreement fell (agreement drift); null for feature drift')),
  agreementRate: Nullable(Probability('Agreement over the window (agreement drift); null for feature drift')),
  threshold: Type.Number({
    minimum: 0,
    maximum: 1000,
    description: 'The least agreement rate (agreement drift) or the PSI at which a feature counts as moved (feature drift)',
  }),
  windowSize: Count('Decisions (agreement drift) or recent invoices (feature drift) compared'),
  features: List(
    Type.Object({ feature: Id(), psi: Type.Number({ minimum: 0, maximum: 1000 }), stability: OneOf(['stable', 'moderate', 'significant'] as const) }),
    200,
    'Feature drift: the features that moved, largest PSI first (empty for agreement drift)',
  ),
  modelId: Nullable(Id('Feature drift: the model whose training distribution was compared')),
  message: Text(500),
  status: OneOf(['open', 'acknowledged'] as const),
  raisedAt: Timestamp(),
  acknowledgedBy: Nullable(Id()),
  acknowledgedAt: Nullable(Timestamp()),
});
export type AiAlertView = Static<typeof aiAlertViewSchema>;
export const aiAlertListSchema = List(aiAlertViewSchema, 500);

/** What the language model wrote (a case summary or a supplier e-mail draft); a draft for a person to check. */
export const llmAnswerSchema = Type.Object({
  kind: OneOf(['summary', 'supplier-email-draft'] as const),
  text: Text(20_000),
  model: Id(),
  maskedFields: List(Id(), 100, 'Fields masked before sending'),
});
export type LlmAnswer = Static<typeof llmAnswerSchema>;
