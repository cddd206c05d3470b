import { validate } from '@exflow/shared';
import { describe, expect, it } from 'vitest';
import { fourNodeFlow, priceVariance } from '../../test/fixtures.js';
import { diffDefinitions } from '../versions/diff.js';
import { createCanvasDeriver, deriveCanvas, INPUT_HANDLE, ORPHAN_HANDLE } from './derive.js';

describe('deriveCanvas', () => {
  it('gives one React Flow node per step with its ports, and one edge per connection', () => {
    const definition = priceVariance();
    const { nodes, edges } = deriveCanvas({ definition, problems: [] });
    expect(nodes.map((n) => n.id)).toEqual(definition.nodes.map((n) => n.id));
    const decision = nodes.find((n) => n.id === 'withinTolerance')!;
    // the canvas places a step exactly where the definition says
    expect(decision.position).toEqual(definition.nodes.find((n) => n.id === 'withinTolerance')!.position);
    expect(decision.position).toEqual({ x: 589, y: 55 });
    expect(decision.data.ports.map((p) => p.id)).toEqual(['yes', 'default']);
    expect(nodes.find((n) => n.id === 'start')!.data.hasInput).toBe(false);
    expect(edges).toHaveLength(definition.edges.length);
    const review = edges.find((e) => e.id === 'e-review')!;
    expect(review).toMatchObject({ source: 'withinTolerance', target: 'procurementReview', sourceHandle: 'default', targetHandle: INPUT_HANDLE });
    expect(review.data!.label).toBe('outside tolerance');
  });

  it('labels edges with the port label when the edge has none, only for multi-port steps', () => {
    const { edges } = deriveCanvas({ definition: fourNodeFlow(), problems: [] });
    expect(edges.map((e) => e.data!.label)).toEqual([undefined, 'large', 'otherwise']);
  });

  it('marks problems on their node or edge and draws edges from unknown ports', () => {
    const definition = fourNodeFlow();
    definition.edges[1] = { ...definition.edges[1], sourcePort: 'gone' };
    const { problems } = validate(definition);
    const { nodes, edges } = deriveCanvas({ definition, problems });
    const e2 = edges.find((e) => e.id === 'e2')!;
    expect(e2.sourceHandle).toBe(ORPHAN_HANDLE);
    expect(e2.data!.problems[0]).toMatch(/output “gone”/);
    expect(nodes.find((n) => n.id === 'big')!.data.problems.join()).toMatch(/no connection for “large”/);
  });

  it('puts heatmap figures on the steps (with a heat level) and widths on the edges by how often they were taken', () => {
    const definition = priceVariance();
    const zero = { cases: 0, visits: 0, medianDwellSeconds: null, p90DwellSeconds: null, slaTasks: 0, slaBreachShare: null, openNow: 0 };
    const heatmap = {
      definitionId: 'd',
      version: 1,
      period: { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' },
      nodes: [
        { ...zero, nodeId: 'match', cases: 8, visits: 8, medianDwellSeconds: 2 },
        { ...zero, nodeId: 'procurementReview', cases: 3, visits: 4, openNow: 1, slaTasks: 2, slaBreachShare: 0.5 },
      ],
      edges: definition.edges.map((e, i) => ({ edgeId: e.id, source: e.source, target: e.target, count: i === 0 ? 8 : i === 1 ? 2 : 0 })),
    };
    const { nodes, edges } = deriveCanvas({ definition, problems: [], heatmap, readOnly: true });
    expect(nodes.find((n) => n.id === 'match')!.data.heat).toMatchObject({ cases: 8, level: 4 });
    expect(nodes.find((n) => n.id === 'procurementReview')!.data.heat).toMatchObject({ cases: 3, openNow: 1, slaBreachShare: 0.5, level: 2 });
    expect(nodes.find((n) => n.id === 'start')!.data.heat).toBeUndefined();
    expect(edges.map((e) => e.data!.heat)).toEqual(
      definition.edges.map((_e, i) => (i === 0 ? { count: 8, width: 8 } : i === 1 ? { count: 2, width: 1.5 + 6.5 / 4 } : { count: 0, width: 1 })),
    );
    expect(deriveCanvas({ definition, problems: [] }).nodes.every((n) => n.data.heat === undefined)).toBe(true);
  });

  it('reflects selection, simulation path and diff', () => {
    const definition = fourNodeFlow();
    const base = { ...definition, nodes: definition.nodes.slice(0, 3), edges: definition.edges.slice(0, 2) };
    const { nodes, edges } = deriveCanvas({
      definition,
      problems: [],
      selectedNodeIds: ['big'],
      simulation: { active: ['ok'], visited: new Set(['start', 'big', 'ok']), edges: new Set(['e3']) },
      comparison: { base, diff: diffDefinitions(base, definition) },
    });
    expect(nodes.find((n) => n.id === 'big')!.selected).toBe(true);
    expect(nodes.find((n) => n.id === 'ok')!.data).toMatchObject({ sim: 'active', diff: 'added' });
    expect(nodes.find((n) => n.id === 'start')!.data.sim).toBe('visited');
    expect(edges.find((e) => e.id === 'e3')!.data).toMatchObject({ sim: 'taken', diff: 'added' });
  });

  it('shows removed elements as ghosts when comparing', () => {
    const base = fourNodeFlow();
    const target = { ...base, nodes: base.nodes.filter((n) => n.id !== 'ok'), edges: base.edges.filter((e) => e.id !== 'e3') };
    const { nodes, edges } = deriveCanvas({ definition: target, problems: [], comparison: { base, diff: diffDefinitions(base, target) } });
    const ghost = nodes.find((n) => n.id === 'ok')!;
    expect(ghost.data.diff).toBe('removed');
    expect(ghost.draggable).toBe(false);
    expect(edges.find((e) => e.id === 'e3')!.data!.diff).toBe('removed');
  });

  it('keeps the identity of elements whose inputs did not change', () => {
    const derive = createCanvasDeriver();
    const definition = fourNodeFlow();
    const first = derive({ definition, problems: [] });
    const moved = { ...definition, nodes: definition.nodes.map((n) => (n.id === 'ok' ? { ...n, position: { x: 1, y: 1 } } : n)) };
    const second = derive({ definition: moved, problems: [] });
    expect(second.nodes[0]).toBe(first.nodes[0]);
    expect(second.nodes[3]).not.toBe(first.nodes[3]);
    expect(second.nodes[3].position).toEqual({ x: 1, y: 1 });
    expect(second.edges[0]).toBe(first.edges[0]);
    const third = derive({ definition: moved, problems: [], selectedNodeIds: ['start'] });
    expect(third.nodes[0]).not.toBe(second.nodes[0]);
    expect(third.nodes[1]).toBe(second.nodes[1]);
  });
});
