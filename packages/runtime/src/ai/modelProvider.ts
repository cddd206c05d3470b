import { scoreAnomaly, supplierHistory, toVector, type AnomalyScore, type Suggestion, type SuggestionProvider } from '@exflow/shared';
import { createAiModelRepository, type AiModelKind } from '../store/aiModelRepository.js';
import type { Db } from '../store/db.js';
import { createTenantRepository } from '../store/tenantRepository.js';
import { explainStep, loadStep, scoreStep, type LoadedStep } from './recommender.js';
import { featuresOf, POOL_POLICY_KEY, type AnomalyModel, type RecommenderModel } from './training.js';

interface Loaded {
  /** The tenant whose rows these are (the MSP's, for a pooling client without a model of its own). */
  source: string;
  versions: Partial<Record<AiModelKind, number>>;
  recommender?: { id: string; steps: Map<string, LoadedStep> };
  anomaly?: { id: string; model: AnomalyModel };
}

/**
 * A suggestion provider that can read through a given database handle: the AI step runs in the
 * transition's transaction, and on the embedded database (one connection) a provider reading
 * through the outer handle would wait for the connection that transaction holds.
 */
export interface ScopedSuggestionProvider extends SuggestionProvider {
  /** The same provider (and model cache), reading through `db`. */
  within?(db: Db): SuggestionProvider;
}

/**
 * The {@link SuggestionProvider} of the tenant's latest model rows. Models are loaded once per
 * tenant and kept; every call compares the newest model versions (one indexed query) and
 * reloads when a new row was written, by this process or another. A client without models of
 * its own that lets its MSP pool its data (`aiPoolWithMsp`) uses the MSP's pooled models.
 * @example const provider = createModelSuggestionProvider(db); await provider.suggest({ tenantId, caseId, stepId: 'procurementReview', outcomes: ['accept', 'reject'] })
 */
export function createModelSuggestionProvider(db: Db): ScopedSuggestionProvider {
  const cache = new Map<string, Loaded>();
  return { ...modelProviderOn(db, cache), within: (scoped) => modelProviderOn(scoped, cache) };
}

function modelProviderOn(db: Db, cache: Map<string, Loaded>): SuggestionProvider {
  const repo = createAiModelRepository(db);

  async function modelSource(tenantId: string): Promise<{ source: string; versions: Partial<Record<AiModelKind, number>> }> {
    const own = await repo.latestVersions(tenantId);
    if (Object.keys(own).length) return { source: tenantId, versions: own };
    const tenants = createTenantRepository(db);
    const tenant = await tenants.get(tenantId);
    const parent = tenant?.parentId ? await tenants.get(tenant.parentId) : undefined;
    if (tenant && parent && tenant.policies[POOL_POLICY_KEY] === true) {
      return { source: parent.id, versions: await repo.latestVersions(parent.id) };
    }
    return { source: tenantId, versions: own };
  }

  async function load(tenantId: string): Promise<Loaded> {
    const { source, versions } = await modelSource(tenantId);
    const cached = cache.get(tenantId);
    if (cached && cached.source === source && cached.versions.recommender === versions.recommender && cached.versions.anomaly === versions.anomaly)
      return cached;
    const loaded: Loaded = { source, versions };
    const recommender = versions.recommender ? await repo.latest(source, 'recommender') : undefined;
    if (recommender) {
      const model = recommender.model as RecommenderModel;
      loaded.recommender = { id: recommender.id, steps: new Map(Object.entries(model.steps).map(([key, step]) => [key, loadStep(step)])) };
      loaded.versions.recommender = recommender.version;
    }
    const anomaly = versions.anomaly ? await repo.latest(source, 'anomaly') : undefined;
    if (anomaly) {
      loaded.anomaly = { id: anomaly.id, model: anomaly.model as AnomalyModel };
      loaded.versions.anomaly = anomaly.version;
    }
    cache.set(tenantId, loaded);
    return loaded;
  }

  return {
    async suggest({ tenantId, caseId, stepId, outcomes }): Promise<Suggestion | null> {
      const models = await load(tenantId);
      if (!models.recommender) return null;
      const facts = await repo.caseFacts(tenantId, caseId);
      if (!facts) return null;
      const step = models.recommender.steps.get(`${facts.flowKey}/${stepId}`);
      if (!step) return null;
      const features = featuresOf(facts, await repo.supplierInvoices(tenantId, facts));
      const vector = toVector(features);
      const scored = scoreStep(step, vector);
      // only the outcomes the step offers now (a flow may have changed since training)
      const offered = scored.alternatives.filter((a) => outcomes.includes(a.outcome));
      if (!offered.length) return null;
      const total = offered.reduce((s, a) => s + a.probability, 0);
      const alternatives = offered.map((a) => ({ outcome: a.outcome, probability: total > 0 ? a.probability / total : 1 / offered.length }));
      const best = alternatives[0]!;
      return {
        stepId,
        outcome: best.outcome,
        probability: best.probability,
        alternatives,
        factors: explainStep(step, vector, features, best.outcome),
        modelId: models.recommender.id,
      };
    },

    async anomaly({ tenantId, invoiceId }): Promise<AnomalyScore | null> {
      const models = await load(tenantId);
      if (!models.anomaly) return null;
      const facts = await repo.invoiceFacts(tenantId, invoiceId);
      if (!facts) return null;
      const scored = scoreAnomaly(facts.body, supplierHistory(await repo.supplierInvoices(tenantId, facts), facts.issueDate), models.anomaly.model.weights);
      return scored ? { ...scored, modelId: models.anomaly.id } : null;
    },
  };
}
