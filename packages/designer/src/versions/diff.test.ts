import { describe, expect, it } from 'vitest';
import { priceVariance } from '../../test/fixtures.js';
import { diffDefinitions, hasChanges } from './diff.js';

describe('diffDefinitions', () => {
  it('finds nothing between a definition and its copy', () => {
    const diff = diffDefinitions(priceVariance(), priceVariance());
    expect(hasChanges(diff)).toBe(false);
    expect(diff.counts).toEqual({ added: 0, removed: 0, changed: 0 });
  });

  it('reports added, removed and changed nodes and edges, and moves separately', () => {
    const v1 = priceVariance();
    const v2 = structuredClone(v1);
    v2.nodes = v2.nodes.filter((n) => n.id !== 'controllerEscalation');
    v2.edges = v2.edges.filter((e) => e.source !== 'controllerEscalation' && e.target !== 'controllerEscalation');
    const review = v2.nodes.find((n) => n.id === 'procurementReview')!;
    review.config = { ...review.config, dueIn: 'PT48H' };
    v2.nodes.find((n) => n.id === 'start')!.position = { x: 10, y: 10 };
    v2.nodes.push({ id: 'notify', kind: 'webhook', config: { service: 'webhook', params: { url: 'https://erp.example/hook' } } });
    v2.edges.find((e) => e.id === 'e-accept')!.target = 'notify';
    v2.edges.push({ id: 'e-notify', source: 'notify', target: 'accepted', sourcePort: 'done' });
    v2.name = 'Price variance (2)';

    const diff = diffDefinitions(v1, v2);
    expect(diff.nodes).toEqual({ procurementReview: 'changed', notify: 'added', controllerEscalation: 'removed' });
    expect(diff.edges).toEqual({ 'e-accept': 'changed', 'e-notify': 'added', 'e-timeout': 'removed', 'e-esc-accept': 'removed', 'e-esc-reject': 'removed' });
    expect(diff.moved).toEqual(['start']);
    expect(diff.meta).toEqual(['name']);
    expect(diff.counts).toEqual({ added: 2, removed: 4, changed: 2 });
  });

  it('ignores key order inside config', () => {
    const v1 = priceVariance();
    const v2 = structuredClone(v1);
    const match = v2.nodes.find((n) => n.id === 'match')!;
    match.config = { resultVar: 'match', params: { quantityTolerancePct: 0, priceTolerancePct: 2 }, service: 'threeWayMatch' };
    expect(hasChanges(diffDefinitions(v1, v2))).toBe(false);
  });
});
