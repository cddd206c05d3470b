import { describe, expect, it } from 'vitest';
import { featureDistribution, featureDrift, featureStability, populationStabilityIndex, PSI_THRESHOLDS } from '../src/ai/drift.js';

// a deterministic normal sample (Box–Muller over a linear congruential generator)
function normal(n: number, mean: number, sd: number, seed: number): number[] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) + 1) / (2 ** 31 + 1);
  return Array.from({ length: n }, () => mean + sd * Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand()));
}

const names = ['amount', 'weekend'];
const rows = (amounts: number[], weekendShare: number) => amounts.map((a, i) => [a, i < amounts.length * weekendShare ? 1 : 0]);

describe('feature drift (population stability index)', () => {
  const training = featureDistribution(rows(normal(400, 3, 0.4, 11), 0.05), names);

  it('bins a continuous feature by its quintiles and a flag by its values, smoothed', () => {
    const [amount, weekend] = training.features;
    expect(amount!.edges).toHaveLength(4);
    expect(amount!.shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    for (const share of amount!.shares) expect(share).toBeCloseTo(0.2, 2);
    // 380 and 20 of 400, half an invoice added to each of three bins (the last: above every training value)
    expect(weekend!.edges).toEqual([0, 1]);
    expect(weekend!.shares.map((x) => x * 401.5)).toEqual([380.5, 20.5, 0.5].map((x) => expect.closeTo(x, 9)));
  });

  it('leaves out a feature that grows with time by construction', () => {
    expect(featureDistribution([[1], [2]], ['supplierVolumeLog']).features).toEqual([]);
  });

  it('a sample of the same population is stable', () => {
    // 100 recent invoices: the drift check's default minimum
    const shifts = featureDrift(training, rows(normal(100, 3, 0.4, 99), 0.05), names);
    for (const s of shifts) expect(s.psi).toBeLessThan(PSI_THRESHOLDS.moderate);
    expect(shifts.every((s) => s.stability === 'stable')).toBe(true);
  });

  it('a shifted amount and many more weekend dates are significant, largest first', () => {
    const shifts = featureDrift(training, rows(normal(100, 3.6, 0.4, 99), 0.4), names);
    expect(shifts.map((s) => s.stability)).toEqual(['significant', 'significant']);
    expect(shifts[0]!.psi).toBeGreaterThanOrEqual(shifts[1]!.psi);
    expect(shifts.find((s) => s.feature === 'amount')!.psi).toBeGreaterThan(1);
  });

  it('PSI is zero for equal distributions, symmetric, and finite for an empty bin', () => {
    expect(populationStabilityIndex([0.2, 0.8], [0.2, 0.8])).toBe(0);
    expect(populationStabilityIndex([0.2, 0.8], [0.5, 0.5])).toBeCloseTo(populationStabilityIndex([0.5, 0.5], [0.2, 0.8]), 12);
    expect(Number.isFinite(populationStabilityIndex([1, 0], [0.5, 0.5]))).toBe(true);
    expect([0.05, 0.1, 0.3].map(featureStability)).toEqual(['stable', 'moderate', 'significant']);
  });
});
