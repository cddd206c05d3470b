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
    expect(decision.position).toEqual({ x: 480, y: 180 });
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
    expect(e2.data!.problems[0]).toMatch(/port "gone"/);
    expect(nodes.find((n) => n.id === 'big')!.data.problems.join()).toMatch(/no edge for "large"/);
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
