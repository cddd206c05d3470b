import { describe, expect, it } from 'vitest';
import { generateFlow } from '../../bench/generateFlow.js';
import { priceVariance } from '../../test/fixtures.js';
import { quickLayout } from './quickLayout.js';

describe('quickLayout', () => {
  it('places every step, left to right along the edges', () => {
    const definition = priceVariance();
    const p = quickLayout(definition);
    expect(Object.keys(p).sort()).toEqual(definition.nodes.map((n) => n.id).sort());
    for (const e of definition.edges) expect(p[e.target].x).toBeGreaterThan(p[e.source].x);
    const spots = new Set(Object.values(p).map(({ x, y }) => `${x},${y}`));
    expect(spots.size).toBe(definition.nodes.length);
  });

  it('survives rework loops and lays out 1,000 steps in a few milliseconds', () => {
    const definition = generateFlow(1000);
    definition.edges.push({ id: 'loop', source: 'review3', target: 'match1', sourcePort: 'timeout' });
    const t = performance.now();
    const p = quickLayout(definition);
    expect(performance.now() - t).toBeLessThan(200);
    expect(Object.keys(p)).toHaveLength(1000);
  });
});
