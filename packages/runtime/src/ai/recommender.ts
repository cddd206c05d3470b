import {
  applyCalibration,
  expectedCalibrationError,
  featureReason,
  fitCalibration,
  FEATURE_NAMES,
  type Calibration,
  type Features,
  type SuggestionFactor,
} from '@exflow/shared';
import { RandomForestClassifier } from 'ml-random-forest';

/**
 * The resolution recommender of one human step (docs/ai.md, "Recommender"): a random forest
 * (ml-random-forest) over the feature vector votes for an outcome; the winning share of votes
 * is calibrated on out-of-bag votes (each decision scored by the trees that did not learn from
 * it), and the other outcomes share the rest in proportion to their votes, so the
 * probabilities sum to 1.
 */
export interface StepModel {
  outcomes: string[];
  /** Indices (in FEATURE_NAMES) of the features that varied in training: the forest's columns. */
  columns: number[];
  /** The forest as ml-random-forest serializes it. */
  forest: unknown;
  calibration: Calibration;
  /** Median of each feature over the training set. */
  medians: number[];
  /** Per outcome, the median of each feature over the decisions with another outcome: what a factor is measured against. */
  contrast?: number[][];
  /** Out-of-bag: accuracy, and expected calibration error of the raw vote share and of the calibrated probability. */
  metrics: { n: number; fitted: number; calibratedOn: number; accuracy: number; eceRaw: number; ece: number };
}

export interface StepExample {
  vector: number[];
  outcome: string;
}

export interface Scored {
  outcome: string;
  probability: number;
  alternatives: { outcome: string; probability: number }[];
}

// ml-cart weighs every candidate split against every sample (quadratic in the samples per
// node), so the forest is kept small and trained on the most recent decisions only
const FOREST_OPTIONS = {
  nEstimators: 50,
  maxFeatures: 0.7,
  replacement: false,
  seed: 42,
  useSampleBagging: true,
  noOOB: false,
  treeOptions: { maxDepth: 8, minNumSamples: 4 },
};

/** Most recent decisions of one step a model learns from. */
export const MAX_STEP_EXAMPLES = 300;

/** Fewest decisions of one step a model is trained from. */
const MIN_STEP_EXAMPLES = 20;

const project = (vector: readonly number[], columns: readonly number[]) => columns.map((j) => vector[j]!);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Each row's share of trees voting for each class (the raw scores). */
function votes(forest: RandomForestClassifier, rows: number[][], classes: number): number[][] {
  const values = forest.predictionValues(rows);
  const out: number[][] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = values.getRow(i);
    const counts = new Array<number>(classes).fill(0);
    for (const v of row) counts[v]!++;
    out.push(counts.map((c) => c / row.length));
  }
  return out;
}

function calibrated(raw: number[], calibration: Calibration, outcomes: string[]): Scored {
  let top = 0;
  raw.forEach((p, i) => {
    if (p > raw[top]!) top = i;
  });
  const pTop = Math.min(1, Math.max(0, applyCalibration(calibration, raw[top]!)));
  const rest = 1 - raw[top]!;
  const others = raw.length - 1;
  const probabilities = raw.map((p, i) => (i === top ? pTop : rest > 0 ? (p / rest) * (1 - pTop) : (1 - pTop) / others));
  const alternatives = outcomes.map((outcome, i) => ({ outcome, probability: probabilities[i]! })).sort((a, b) => b.probability - a.probability);
  return { outcome: outcomes[top]!, probability: pTop, alternatives };
}

/**
 * Trains one step's recommender, or returns null when there are fewer than `minExamples`
 * (default {@link MIN_STEP_EXAMPLES}) decisions or only one outcome was ever chosen. The forest learns
 * from every decision; each decision is also scored by the trees that did not see it
 * (out-of-bag), and those honest scores are what the calibration is fitted on.
 */
export function trainStep(
  allExamples: readonly StepExample[],
  minExamples = MIN_STEP_EXAMPLES,
): { model: StepModel; oob: { probabilities: number[]; right: boolean[] } } | null {
  const examples = allExamples.slice(-MAX_STEP_EXAMPLES);
  const outcomes = [...new Set(examples.map((e) => e.outcome))].sort();
  if (examples.length < minExamples || outcomes.length < 2) return null;
  const columns = FEATURE_NAMES.map((_, j) => j).filter((j) => examples.some((e) => e.vector[j] !== examples[0]!.vector[j]));
  if (!columns.length) return null;
  const forest = new RandomForestClassifier(FOREST_OPTIONS);
  forest.train(
    examples.map((e) => project(e.vector, columns)),
    examples.map((e) => outcomes.indexOf(e.outcome)),
  );
  const rawTop: number[] = [];
  const right: boolean[] = [];
  for (const oob of forest.oobResults ?? []) {
    if (!oob.all.length) continue;
    const counts = new Array<number>(outcomes.length).fill(0);
    for (const v of oob.all) counts[v]!++;
    const top = counts.indexOf(Math.max(...counts));
    rawTop.push(counts[top]! / oob.all.length);
    right.push(top === oob.true);
  }
  const calibration = fitCalibration(rawTop, right, 500);
  const probabilities = rawTop.map((p) => applyCalibration(calibration, p));
  const model: StepModel = {
    outcomes,
    columns,
    forest: forest.toJSON(),
    calibration,
    medians: FEATURE_NAMES.map((_, j) => median(examples.map((e) => e.vector[j]!))),
    contrast: outcomes.map((o) => {
      const others = examples.filter((e) => e.outcome !== o);
      return FEATURE_NAMES.map((_, j) => median(others.map((e) => e.vector[j]!)));
    }),
    metrics: {
      n: examples.length,
      fitted: examples.length,
      calibratedOn: rawTop.length,
      accuracy: right.filter(Boolean).length / Math.max(1, right.length),
      eceRaw: expectedCalibrationError(rawTop, right),
      ece: expectedCalibrationError(probabilities, right),
    },
  };
  return { model, oob: { probabilities, right } };
}

/** A step model ready to score (the forest loaded once). */
export interface LoadedStep {
  model: StepModel;
  forest: RandomForestClassifier;
}

export function loadStep(model: StepModel): LoadedStep {
  return { model, forest: RandomForestClassifier.load(model.forest as Parameters<typeof RandomForestClassifier.load>[0]) };
}

/** The calibrated outcome probabilities of one case (sum to 1, highest first). */
export function scoreStep(step: LoadedStep, vector: number[]): Scored {
  const [raw] = votes(step.forest, [project(vector, step.model.columns)], step.model.outcomes.length);
  return calibrated(raw!, step.model.calibration, step.model.outcomes);
}

/**
 * Why the forest chose `outcome`: each feature that differs from what the decisions of the
 * other outcomes typically show (their median) is set to that value in turn, and the drop in
 * the outcome's share of votes is its weight (occlusion against a contrast). The `limit`
 * largest, in words (and as a code with values, for the designer to word); when no single
 * feature moves the vote (a unanimous forest), the features furthest from the contrast, with
 * weight 0.
 */
export function explainStep(step: LoadedStep, vector: number[], features: Features, outcome: string, limit = 3): SuggestionFactor[] {
  const k = step.model.outcomes.indexOf(outcome);
  const classes = step.model.outcomes.length;
  const contrast = step.model.contrast?.[k] ?? step.model.medians;
  const changed = step.model.columns.filter((j) => vector[j] !== contrast[j]);
  if (!changed.length) return [];
  const rows = [vector, ...changed.map((j) => vector.map((v, i) => (i === j ? contrast[j]! : v)))].map((r) => project(r, step.model.columns));
  const shares = votes(step.forest, rows, classes).map((v) => v[k]!);
  const base = shares[0]!;
  let factors = changed.map((j, i) => ({ feature: FEATURE_NAMES[j]!, weight: base - shares[i + 1]! })).filter((f) => f.weight > 0);
  if (!factors.length) {
    const spread = (j: number) => Math.abs(vector[j]! - contrast[j]!) / (Math.abs(contrast[j]!) + 1);
    factors = changed
      .filter((j) => !FEATURE_NAMES[j]!.startsWith('text.'))
      .sort((a, b) => spread(b) - spread(a))
      .map((j) => ({ feature: FEATURE_NAMES[j]!, weight: 0 }));
  }
  factors.sort((a, b) => b.weight - a.weight);
  // the hashed text buckets say one thing ("wording of the lines"): keep the strongest only
  const seen = new Set<string>();
  return factors
    .filter((f) => {
      const key = f.feature.startsWith('text.') ? 'text' : f.feature;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, limit)
    .map((f) => ({ feature: f.feature, weight: Math.round(f.weight * 1000) / 1000, ...featureReason(f.feature, features) }));
}
