import { FEATURE_NAMES } from './features.js';

/**
 * Feature drift (docs/ai.md, "Drift"): how far the invoices a model now sees have moved from
 * the ones it learned from, per feature, by the population stability index (PSI). Pure: the
 * runtime stores the training distribution with the model row and feeds recent vectors in.
 */

/** One feature's training distribution: bin upper edges (a value v falls in the first bin with v ≤ edge, else the last) and each bin's share. */
export interface FeatureBins {
  feature: string;
  edges: number[];
  shares: number[];
}

/** The training feature distribution stored with a model row. */
export interface FeatureDistribution {
  /** Invoices it was computed from. */
  n: number;
  features: FeatureBins[];
}

/** One feature's shift, with its PSI and what that means. */
export interface FeatureShift {
  feature: string;
  psi: number;
  stability: FeatureStability;
}

export type FeatureStability = 'stable' | 'moderate' | 'significant';

/**
 * The usual PSI reading: below 0.1 the population is stable, 0.1 to 0.25 it moved moderately,
 * 0.25 or more it moved significantly (the drift alert's threshold).
 */
export const PSI_THRESHOLDS = { moderate: 0.1, significant: 0.25 } as const;

/**
 * Bins per feature at most (quintiles of the training values). Few bins because the samples are
 * small: under no drift the PSI is about (bins − 1) · (1/recent + 1/training), so deciles over
 * 100 recent invoices would read 0.1 from sampling noise alone.
 */
const MAX_BINS = 5;
/** Half an invoice added to every bin (Laplace smoothing), so an empty bin neither vanishes nor explodes the logarithm. */
const PSEUDO_COUNT = 0.5;

/**
 * Features left out of the drift check: they grow with time by construction (a supplier's
 * count of earlier invoices), so later invoices always differ from earlier ones.
 */
const GROWS_WITH_TIME = new Set(['supplierVolumeLog']);

const binOf = (edges: readonly number[], v: number) => {
  for (let i = 0; i < edges.length; i++) if (v <= edges[i]!) return i;
  return edges.length;
};

function sharesOf(edges: readonly number[], values: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(PSEUDO_COUNT);
  for (const v of values) counts[binOf(edges, v)]!++;
  const total = values.length + PSEUDO_COUNT * counts.length;
  return counts.map((c) => c / total);
}

/** Bin edges: each distinct value when there are few (a flag, a count), else the training quintiles. */
function edgesOf(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const distinct = [...new Set(sorted)];
  if (distinct.length <= MAX_BINS) return distinct;
  const edges: number[] = [];
  for (let i = 1; i < MAX_BINS; i++) {
    const q = sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / MAX_BINS))]!;
    if (edges[edges.length - 1] !== q) edges.push(q);
  }
  return edges;
}

/**
 * The training distribution of feature vectors ({@link FEATURE_NAMES} order): per feature, bin
 * edges and the (smoothed) share of the vectors in each bin; a value above every edge falls in
 * a last bin the training set left (nearly) empty.
 * @example featureDistribution([[1, 0], [2, 0]], ['a', 'b']).features[0] // { feature: 'a', edges: [1, 2], shares: [0.4, 0.4, 0.2] }
 */
export function featureDistribution(vectors: readonly (readonly number[])[], names: readonly string[] = FEATURE_NAMES): FeatureDistribution {
  return {
    n: vectors.length,
    features: names.flatMap((feature, j) => {
      if (GROWS_WITH_TIME.has(feature)) return [];
      const values = vectors.map((v) => v[j] ?? 0);
      const edges = edgesOf(values);
      return [{ feature, edges, shares: sharesOf(edges, values) }];
    }),
  };
}

/**
 * Population stability index of two binned distributions: Σ (actual − expected) · ln(actual / expected)
 * (shares above zero: {@link featureDistribution} smooths them; a zero share counts as 0.0001).
 * @example populationStabilityIndex([0.5, 0.5], [0.5, 0.5]) // 0
 */
export function populationStabilityIndex(expected: readonly number[], actual: readonly number[]): number {
  let psi = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(1e-4, expected[i]!);
    const a = Math.max(1e-4, actual[i] ?? 0);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/** What a PSI says (see {@link PSI_THRESHOLDS}). */
export function featureStability(psi: number): FeatureStability {
  return psi >= PSI_THRESHOLDS.significant ? 'significant' : psi >= PSI_THRESHOLDS.moderate ? 'moderate' : 'stable';
}

/**
 * Each feature's shift of `vectors` (recent invoices, {@link FEATURE_NAMES} order) against the
 * training distribution, largest first.
 * @example featureDrift(model.featureDistribution, recentVectors)[0] // { feature: 'grossLog10', psi: 1.9, stability: 'significant' }
 */
export function featureDrift(
  distribution: FeatureDistribution,
  vectors: readonly (readonly number[])[],
  names: readonly string[] = FEATURE_NAMES,
): FeatureShift[] {
  return distribution.features
    .map((bins) => {
      const j = names.indexOf(bins.feature);
      const psi =
        j < 0
          ? 0
          : populationStabilityIndex(
              bins.shares,
              sharesOf(
                bins.edges,
                vectors.map((v) => v[j] ?? 0),
              ),
            );
      return { feature: bins.feature, psi: Math.round(psi * 10_000) / 10_000, stability: featureStability(psi) };
    })
    .sort((a, b) => b.psi - a.psi);
}
