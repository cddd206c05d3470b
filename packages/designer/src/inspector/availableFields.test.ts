import { describe, expect, it } from 'vitest';
import { priceVariance } from '../../test/fixtures.js';
import { invoiceFields, upstreamFields } from './availableFields.js';

describe('available FEEL fields', () => {
  it('lists invoice fields from the invoice schema', () => {
    const paths = invoiceFields().map((f) => f.path);
    expect(paths).toContain('invoice.grossTotal');
    expect(paths).toContain('invoice.supplier.name');
    expect(paths).toContain('invoice.lines');
  });

  it('lists results of upstream steps only, under their result names', () => {
    const definition = priceVariance();
    const atDecision = upstreamFields(definition, 'withinTolerance').map((f) => f.path);
    expect(atDecision).toContain('match');
    expect(atDecision).toContain('match.withinTolerance');
    expect(atDecision.some((p) => p.startsWith('review'))).toBe(false);
    const atEscalation = upstreamFields(definition, 'controllerEscalation').map((f) => f.path);
    expect(atEscalation).toContain('review.outcome');
    expect(atEscalation).toContain('review.data.reason');
  });
});
