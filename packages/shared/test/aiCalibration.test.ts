import { describe, expect, it } from 'vitest';
import { applyCalibration, expectedCalibrationError, fitIsotonic, fitPlatt, macroF1, reliabilityCurve } from '../src/ai/calibration.js';

// a deterministic over-confident scorer: says s, is right with probability 0.5 + (s - 0.5) / 2
function overconfident(n: number) {
  const scores: number[] = [];
  const labels: boolean[] = [];
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < n; i++) {
    const s = 0.5 + rand() / 2;
    scores.push(s);
    labels.push(rand() < 0.5 + (s - 0.5) / 2);
  }
  return { scores, labels };
}

describe('calibration', () => {
  const { scores, labels } = overconfident(4000);
  it('the raw scores are badly calibrated', () => {
    expect(expectedCalibrationError(scores, labels)).toBeGreaterThan(0.08);
  });
  it.each([
    ['Platt', fitPlatt],
    ['isotonic', fitIsotonic],
  ])('%s scaling brings the expected calibration error under 0.03', (_name, fit) => {
    const c = fit(scores.slice(0, 2000), labels.slice(0, 2000));
    const calibrated = scores.slice(2000).map((s) => applyCalibration(c, s));
    expect(expectedCalibrationError(calibrated, labels.slice(2000))).toBeLessThan(0.03);
    // monotone: a higher score never gets a lower probability
    expect(applyCalibration(c, 0.95)).toBeGreaterThanOrEqual(applyCalibration(c, 0.6));
  });
  it('isotonic regression pools violators into a non-decreasing step function', () => {
    const c = fitIsotonic([0.1, 0.2, 0.3, 0.4], [false, true, false, true]);
    expect(c.y).toEqual([0, 0.5, 1]);
    expect(applyCalibration(c, 0.25)).toBe(0.5);
    expect(applyCalibration(c, 0.05)).toBe(0);
  });
  it('the reliability curve bins predictions against how often they were right', () => {
    const curve = reliabilityCurve([0.05, 0.95, 0.92, 0.91], [false, true, true, false], 10);
    expect(curve).toHaveLength(10);
    expect(curve[9]).toMatchObject({ count: 3, observed: 2 / 3 });
    expect(curve[0]).toMatchObject({ count: 1, predicted: 0.05, observed: 0 });
    expect(curve[5]).toMatchObject({ count: 0, predicted: null });
    expect(expectedCalibrationError([0.9, 0.9], [true, false])).toBeCloseTo(0.4);
  });
  it('macro-F1 averages the per-class F1', () => {
    expect(macroF1(['a', 'b', 'a'], ['a', 'b', 'a'])).toBe(1);
    expect(macroF1(['a', 'b'], ['a', 'a'])).toBeCloseTo((2 / 3 + 0) / 2);
  });
});
