import { describe, expect, it } from 'vitest';
import { Gauge, Registry } from 'prom-client';
import { exposition } from './prometheus.js';

describe('exposition', () => {
  it('spells a sample that is not a number NaN, as the text format does, and leaves names alone', async () => {
    const registry = new Registry();
    new Gauge({ name: 'lag_mean_seconds', help: 'help that ends in Nan', registers: [registry] }).set(NaN);
    new Gauge({ name: 'Nan', help: 'a family named Nan', registers: [registry] }).set(2);
    const text = exposition(await registry.metrics());
    expect(text).toContain('\nlag_mean_seconds NaN\n');
    expect(text).toContain('# HELP lag_mean_seconds help that ends in Nan\n');
    expect(text).toContain('\nNan 2\n');
    expect(text).not.toMatch(/^[^#\n].* Nan$/m);
  });
});
