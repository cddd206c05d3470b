import { aiModelListSchema, aiTrainingResultSchema, anomalyViewSchema, durationToMs, type AiModelView, type AnomalyView } from '@exflow/shared';
import { DESIGNERS, STAFF } from '../../auth/roles.js';
import { ANOMALY_THRESHOLD, trainTenant } from '../../ai/training.js';
import { notFound } from '../../errors.js';
import { createAiModelRepository, type AiModelSummary } from '../../store/aiModelRepository.js';
import { createInvoiceRepository } from '../../store/invoiceRepository.js';
import { param, queryInt } from '../params.js';
import { defineRoutes } from '../route.js';

const view = ({ tenantId: _tenant, ...m }: AiModelSummary): AiModelView => m as AiModelView;

export const aiModelRoutes = defineRoutes([
  {
    method: 'get',
    path: '/ai/models',
    summary: "The tenant's trained AI models, newest first: kind, version, trained-on range, size, metrics, calibration and reliability curve (docs/ai.md)",
    tag: 'ai',
    roles: STAFF,
    query: { limit: { type: 'integer', minimum: 1, maximum: 200, description: '1 to 200, default 50' } },
    responses: { '200': 'Model rows (without the serialized models)' },
    responseSchemas: { '200': aiModelListSchema },
    async handler(req, res, { db, principal }) {
      const models = await createAiModelRepository(db).list(principal.tenantId, queryInt(req, 'limit', { min: 1, max: 200, fallback: 50 }));
      res.json(models.map(view) satisfies AiModelView[]);
    },
  },
  {
    method: 'post',
    path: '/ai/models/train',
    summary:
      "Train the tenant's recommender and anomaly models now from its decided cases (an MSP's also from clients that set aiPoolWithMsp); the retraining job's next run counts from now",
    tag: 'ai',
    roles: DESIGNERS,
    responses: { '201': 'The model rows written (null where there was nothing to learn from)' },
    responseSchemas: { '201': aiTrainingResultSchema },
    async handler(_req, res, { db, principal, config }) {
      const result = await trainTenant(db, principal.tenantId, { keep: config.aiKeepModels });
      await createAiModelRepository(db).scheduleJob(principal.tenantId, durationToMs(config.aiRetrainEvery) ?? 86_400_000);
      res.status(201).json({
        recommender: result.recommender && view(result.recommender),
        anomaly: result.anomaly && view(result.anomaly),
        skippedSteps: result.skippedSteps,
      });
    },
  },
  {
    method: 'get',
    path: '/invoices/:id/anomaly',
    summary:
      "How unusual the invoice is against its supplier's history (amount, frequency, new bank account, round amount, weekend date), with the reasons in words",
    tag: 'ai',
    roles: STAFF,
    responses: {
      '200': 'Score, whether it is flagged, and its factors (score null: no anomaly model yet, or too little supplier history)',
      '404': 'Unknown invoice',
    },
    responseSchemas: { '200': anomalyViewSchema },
    async handler(req, res, { db, principal, suggestionProvider }) {
      const invoiceId = param(req, 'id');
      if (!(await createInvoiceRepository(db).authors(principal.tenantId, invoiceId))) throw notFound('invoice', invoiceId);
      const scored = await suggestionProvider.anomaly({ tenantId: principal.tenantId, invoiceId });
      // the threshold of the model that scored it (a pooled MSP model's row may be out of this tenant's sight)
      const threshold = scored ? ((await createAiModelRepository(db).anomalyThreshold(scored.modelId)) ?? ANOMALY_THRESHOLD) : null;
      res.json({
        invoiceId,
        score: scored?.score ?? null,
        flagged: scored !== null && threshold !== null && scored.score >= threshold,
        threshold,
        factors: scored?.factors ?? [],
        modelId: scored?.modelId ?? null,
      } satisfies AnomalyView);
    },
  },
]);
