import { describe, expect, it } from 'vitest';
import { durationToMs } from '../src/index.js';

const HOUR = 3_600_000;

describe('durationToMs', () => {
  it.each([
    ['PT24H', 24 * HOUR],
    ['P2D', 48 * HOUR],
    ['PT90M', 1.5 * HOUR],
    ['PT30S', 30_000],
    ['P1DT2H30M15S', 26.5 * HOUR + 15_000],
    ['PT0S', 0],
    ['PT0.05S', 50],
    ['PT1.5S', 1500],
  ])('%s is %i ms', (text, ms) => {
    expect(durationToMs(text)).toBe(ms);
  });

  it.each(['P', 'PT', 'P2DT', 'P1M', 'P1Y', 'P1W', '24h', 'PT1.5H', 'PT0.0001S', 'PT.5S', '-PT1H', ' PT1H', 'pt1h', ''])('refuses %j', (text) => {
    expect(durationToMs(text)).toBeUndefined();
  });
});
