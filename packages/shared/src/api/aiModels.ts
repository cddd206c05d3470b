import { Type, type Static } from '@sinclair/typebox';
import { factorViewSchema, Probability } from './ai.js';
import { Count, Id, List, Nullable, OneOf, OpenObject, Text, Timestamp } from './wire.js';

const Day = (description?: string) => Type.String({ format: 'date', maxLength: 10, ...(description ? { description } : {}) });

const reliabilityBinSchema = Type.Object({
  from: Probability(),
  to: Probability(),
  count: Count(),
  predicted: Nullable(Probability('Mean predicted probability in the bin')),
  observed: Nullable(Probability('Share of the bin that was right')),
});

/** A trained model as `GET /ai/models` lists it (without its serialized model). */
export const aiModelViewSchema = Type.Object({
  id: Id(),
  kind: OneOf(['recommender', 'anomaly'] as const),
  version: Count(),
  trainedFrom: Nullable(Day('Issue date of the earliest invoice it learned from')),
  trainedTo: Nullable(Day('Issue date of the latest invoice it learned from')),
  n: Count('Decided steps (recommender) or invoices (anomaly) it learned from'),
  pooledFrom: List(Id(), 1000, "Client tenants whose decided cases an MSP's model also learned from (each with aiPoolWithMsp)"),
  metrics: OpenObject('Per step: decisions, accuracy and expected calibration error before and after calibration on the held-out quarter'),
  calibration: Type.Union([OpenObject('Per step: Platt (a, b) or isotonic (x, y)'), Type.Null()]),
  reliability: List(reliabilityBinSchema, 100, 'Reliability curve: calibrated probability against observed accuracy, ten bins'),
  createdAt: Timestamp(),
});
export type AiModelView = Static<typeof aiModelViewSchema>;
/** `GET /ai/models`: newest first, at most 200. */
export const aiModelListSchema = List(aiModelViewSchema, 200);

/** The answer to `POST /ai/models/train`: the rows written (null: nothing to learn from yet). */
export const aiTrainingResultSchema = Type.Object({
  recommender: Nullable(aiModelViewSchema),
  anomaly: Nullable(aiModelViewSchema),
  skippedSteps: List(Text(500), 1000, 'Flow steps (<flow key>/<node id>) with too few decisions, or one outcome only'),
});

/** `GET /invoices/:id/anomaly`. */
export const anomalyViewSchema = Type.Object({
  invoiceId: Id(),
  score: Nullable(Probability('0 ordinary .. 1 highly unusual; null: no anomaly model yet, or the supplier has too little history')),
  flagged: Type.Boolean({ description: 'score at or above the threshold' }),
  threshold: Nullable(Probability()),
  factors: List(factorViewSchema, 20),
  modelId: Nullable(Id()),
});
export type AnomalyView = Static<typeof anomalyViewSchema>;
