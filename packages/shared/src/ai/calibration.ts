/**
 * Calibration and the figures that judge it (docs/ai.md, "Calibration"): a model's raw score
 * becomes a probability that means what it says: of the suggestions given at 0.9, about nine
 * in ten are right. Pure; the models in runtime fit and apply these.
 */

/** Platt scaling: p = 1 / (1 + exp(a·s + b)). */
export interface PlattCalibration {
  method: 'platt';
  a: number;
  b: number;
}

/** Isotonic regression: a non-decreasing step function, `y[i]` from score `x[i]` on. */
export interface IsotonicCalibration {
  method: 'isotonic';
  x: number[];
  y: number[];
}

export type Calibration = PlattCalibration | IsotonicCalibration;

/** One bin of a reliability curve: what the model said on average against how often it was right. */
export interface ReliabilityBin {
  /** Lower edge of the bin (bins are [lower, lower + 1/bins)). */
  from: number;
  to: number;
  count: number;
  /** Mean predicted probability in the bin (null when empty). */
  predicted: number | null;
  /** Share of the bin's predictions that were right (null when empty). */
  observed: number | null;
}

/**
 * Fits Platt scaling by Newton's method on the log-loss, with Platt's smoothed targets
 * ((n₊ + 1) / (n₊ + 2), 1 / (n₋ + 2)) so a perfectly separated set does not give infinite weights.
 * @example applyCalibration(fitPlatt([0.2, 0.8, 0.9], [false, true, true]), 0.85) // > 0.5
 */
export function fitPlatt(scores: readonly number[], labels: readonly boolean[]): PlattCalibration {
  const positives = labels.filter(Boolean).length;
  const negatives = labels.length - positives;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  const t = labels.map((l) => (l ? hi : lo));
  let a = 0;
  let b = Math.log((negatives + 1) / (positives + 1));
  for (let iter = 0; iter < 100; iter++) {
    let g1 = 0,
      g2 = 0,
      h11 = 1e-12,
      h22 = 1e-12,
      h21 = 0;
    for (let i = 0; i < scores.length; i++) {
      const fApB = scores[i]! * a + b;
      const p = 1 / (1 + Math.exp(fApB));
      const d1 = t[i]! - p;
      const d2 = p * (1 - p);
      g1 += scores[i]! * d1;
      g2 += d1;
      h11 += scores[i]! * scores[i]! * d2;
      h22 += d2;
      h21 += scores[i]! * d2;
    }
    const det = h11 * h22 - h21 * h21;
    if (Math.abs(det) < 1e-18) break;
    const da = -(h22 * g1 - h21 * g2) / det;
    const db = -(-h21 * g1 + h11 * g2) / det;
    a += da;
    b += db;
    if (Math.abs(da) < 1e-9 && Math.abs(db) < 1e-9) break;
  }
  return { method: 'platt', a, b };
}

/**
 * Fits isotonic regression (pool adjacent violators): the non-decreasing map from score to
 * observed frequency that fits best in squared error.
 * @example applyCalibration(fitIsotonic([0.1, 0.2, 0.9], [false, true, true]), 0.95) // 1
 */
export function fitIsotonic(scores: readonly number[], labels: readonly boolean[]): IsotonicCalibration {
  const order = scores.map((s, i) => [s, labels[i] ? 1 : 0] as const).sort((p, q) => p[0] - q[0]);
  const blocks: { x: number; sum: number; n: number }[] = [];
  for (const [s, y] of order) {
    const last = blocks[blocks.length - 1];
    if (last && last.x === s) {
      last.sum += y;
      last.n++;
    } else blocks.push({ x: s, sum: y, n: 1 });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1]!;
      const a = blocks[blocks.length - 2]!;
      if (a.sum / a.n <= b.sum / b.n) break;
      blocks.splice(blocks.length - 2, 2, { x: a.x, sum: a.sum + b.sum, n: a.n + b.n });
    }
  }
  return { method: 'isotonic', x: blocks.map((b) => b.x), y: blocks.map((b) => b.sum / b.n) };
}

/** The calibrated probability of a raw score (0..1). */
export function applyCalibration(calibration: Calibration, score: number): number {
  if (calibration.method === 'platt') return 1 / (1 + Math.exp(calibration.a * score + calibration.b));
  const { x, y } = calibration;
  if (!x.length) return score;
  let lo = 0;
  let hi = x.length - 1;
  if (score < x[0]!) return y[0]!;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (x[mid]! <= score) lo = mid;
    else hi = mid - 1;
  }
  return y[lo]!;
}

/**
 * Platt for small calibration sets (two parameters are hard to overfit), isotonic from
 * `isotonicFrom` examples on (it follows any monotone shape).
 */
export function fitCalibration(scores: readonly number[], labels: readonly boolean[], isotonicFrom = 200): Calibration {
  return scores.length >= isotonicFrom ? fitIsotonic(scores, labels) : fitPlatt(scores, labels);
}

/**
 * The reliability curve: predictions binned by probability, each bin's mean prediction beside
 * how often those predictions were right.
 * @example reliabilityCurve([0.95, 0.92], [true, true], 10)[9] // { from: 0.9, to: 1, count: 2, predicted: 0.935, observed: 1 }
 */
export function reliabilityCurve(probabilities: readonly number[], correct: readonly boolean[], bins = 10): ReliabilityBin[] {
  const acc = Array.from({ length: bins }, () => ({ n: 0, p: 0, c: 0 }));
  probabilities.forEach((p, i) => {
    const b = acc[Math.min(bins - 1, Math.max(0, Math.floor(p * bins)))]!;
    b.n++;
    b.p += p;
    b.c += correct[i] ? 1 : 0;
  });
  return acc.map((b, i) => ({
    from: i / bins,
    to: (i + 1) / bins,
    count: b.n,
    predicted: b.n ? b.p / b.n : null,
    observed: b.n ? b.c / b.n : null,
  }));
}

/**
 * Expected calibration error: the count-weighted mean gap between predicted and observed
 * over the reliability curve's bins (0 is perfect).
 */
export function expectedCalibrationError(probabilities: readonly number[], correct: readonly boolean[], bins = 10): number {
  const n = probabilities.length;
  if (!n) return 0;
  return reliabilityCurve(probabilities, correct, bins).reduce((sum, b) => (b.count ? sum + (b.count / n) * Math.abs(b.predicted! - b.observed!) : sum), 0);
}

/**
 * Macro-averaged F1 over the classes present in truth or prediction.
 * @example macroF1(['a', 'b'], ['a', 'a']) // (2/3 + 0) / 2
 */
export function macroF1(truth: readonly string[], predicted: readonly string[]): number {
  const classes = [...new Set([...truth, ...predicted])];
  if (!classes.length) return 0;
  const f1s = classes.map((c) => {
    let tp = 0,
      fp = 0,
      fn = 0;
    truth.forEach((t, i) => {
      const p = predicted[i];
      if (p === c && t === c) tp++;
      else if (p === c) fp++;
      else if (t === c) fn++;
    });
    return tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
  });
  return f1s.reduce((a, b) => a + b, 0) / classes.length;
}
