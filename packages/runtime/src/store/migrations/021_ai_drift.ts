import type { Knex } from 'knex';

/**
 * What the AI layer learned to watch (docs/ai.md, "Drift" and "The AI suggestion step"):
 *
 * - `ai_models.feature_distribution`: the recommender's training feature distribution (bins and
 *   shares per feature), what the drift check compares recent invoices with.
 * - `ai_suggestions.anomaly`: the anomaly score of the case's invoice taken with the suggestion
 *   (score, flagged, threshold, factors, model id), shown in the task view beside it.
 * - `ai_alerts`: a feature-drift alert has no exception kind and no agreement rate, and carries
 *   the features that moved (`details`); one open feature-drift alert per tenant.
 * The drift check reads a tenant's newest invoices through migration 020's `invoices_received`
 * index (tenant, received_at), scanned backwards.
 */
const statements = [
  `ALTER TABLE ai_models ADD COLUMN feature_distribution jsonb`,
  `ALTER TABLE ai_suggestions ADD COLUMN anomaly jsonb`,
  `ALTER TABLE ai_alerts ALTER COLUMN exception_kind DROP NOT NULL`,
  `ALTER TABLE ai_alerts ALTER COLUMN agreement_rate DROP NOT NULL`,
  `ALTER TABLE ai_alerts ADD COLUMN details jsonb`,
  `CREATE UNIQUE INDEX ai_alerts_one_open_feature_drift ON ai_alerts (tenant_id, kind) WHERE status = 'open' AND exception_kind IS NULL`,
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of statements) await knex.raw(sql);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX ai_alerts_one_open_feature_drift');
  await knex.raw(`DELETE FROM ai_alerts WHERE exception_kind IS NULL OR agreement_rate IS NULL`);
  await knex.raw('ALTER TABLE ai_alerts DROP COLUMN details');
  await knex.raw('ALTER TABLE ai_alerts ALTER COLUMN agreement_rate SET NOT NULL');
  await knex.raw('ALTER TABLE ai_alerts ALTER COLUMN exception_kind SET NOT NULL');
  await knex.raw('ALTER TABLE ai_suggestions DROP COLUMN anomaly');
  await knex.raw('ALTER TABLE ai_models DROP COLUMN feature_distribution');
}
