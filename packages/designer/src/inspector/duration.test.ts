import { describe, expect, it } from 'vitest';
import { pickDuration, toIsoDuration } from './duration.js';

describe('the duration picker', () => {
  it('shows hours and days', () => {
    expect(pickDuration('PT24H')).toEqual({ amount: 24, unit: 'hours' });
    expect(pickDuration('P3D')).toEqual({ amount: 3, unit: 'days' });
  });
  it('leaves what it cannot show to the text field', () => {
    expect(pickDuration('PT30M')).toBeNull();
    expect(pickDuration('P1DT4H')).toBeNull();
    expect(pickDuration(undefined)).toBeNull();
  });
  it('writes ISO 8601, and nothing for no positive whole amount', () => {
    expect(toIsoDuration(8, 'hours')).toBe('PT8H');
    expect(toIsoDuration(2, 'days')).toBe('P2D');
    expect(toIsoDuration(0, 'days')).toBeUndefined();
    expect(toIsoDuration(1.5, 'hours')).toBeUndefined();
  });
  it('round-trips', () => {
    for (const iso of ['PT1H', 'PT48H', 'P1D', 'P10D']) {
      const picked = pickDuration(iso)!;
      expect(toIsoDuration(picked.amount, picked.unit)).toBe(iso);
    }
  });
});
