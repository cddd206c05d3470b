import { Type, type Static } from '@sinclair/typebox';
import { Count, Id, List, Nullable, OneOf, Text, Timestamp } from './wire.js';

const Probability = (description?: string) => Type.Number({ minimum: 0, maximum: 1, ...(description ? { description } : {}) });

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
  factors: List(Type.Object({ feature: Id(), text: Text(500), weight: Type.Number() }), 50),
  modelId: Id(),
  threshold: Probability(),
  mode: OneOf(['auto', 'prefill', 'advice'] as const, 'auto: the system completed the step; prefill: the task opens with it chosen; advice: shown only'),
  reasons: List(Text(300), 20, 'Why the mode is not more automatic'),
  humanOutcome: Nullable(Id()),
  humanUser: Nullable(Id()),
  decidedBy: Nullable(Id('The person, or `system` for an automatic completion')),
  decidedAt: Nullable(Timestamp()),
  agreed: Nullable(Type.Boolean()),
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

/** A drift alert: the agreement rate of a kind over the rolling window fell below the threshold. */
export const aiAlertViewSchema = Type.Object({
  id: Id(),
  kind: OneOf(['agreement-drift'] as const),
  exceptionKind: Id(),
  agreementRate: Probability(),
  threshold: Probability(),
  windowSize: Count(),
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
