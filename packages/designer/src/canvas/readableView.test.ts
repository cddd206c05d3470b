import { describe, expect, it } from 'vitest';
import { READABLE_ZOOM, readableViewport } from './readableView.js';

describe('readableViewport', () => {
  it('fits a small flow whole, centred, no closer than the zoom cap', () => {
    const v = readableViewport({ x: 0, y: 0, width: 400, height: 200 }, 1000, 800);
    expect(v.zoom).toBe(1.1);
    expect(v.x).toBeCloseTo((1000 - 440) / 2);
    expect(v.y).toBeCloseTo((800 - 220) / 2);
  });

  it('fits a mid-sized flow at the zoom that shows it whole when that stays readable', () => {
    const v = readableViewport({ x: 0, y: 0, width: 1000, height: 300 }, 1000, 800);
    expect(v.zoom).toBeCloseTo(920 / 1000);
    expect(v.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
  });

  it('opens a wide flow at the readable zoom on its left edge, and a tall one centred on its start', () => {
    const wide = readableViewport({ x: 12, y: 0, width: 2400, height: 400 }, 1000, 800);
    expect(wide.zoom).toBe(READABLE_ZOOM);
    expect(wide.x).toBeCloseTo(40 - 12 * READABLE_ZOOM);
    const tall = readableViewport({ x: 0, y: 0, width: 2400, height: 1600 }, 1000, 800, 1000);
    expect(tall.zoom).toBe(READABLE_ZOOM);
    expect(tall.y).toBeCloseTo(400 - 1000 * READABLE_ZOOM);
  });
});
