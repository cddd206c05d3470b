import { describe, expect, it } from 'vitest';
import { effectiveFlow, mergePatch, overrideDiff, type WorkflowDefinition } from '../src/index.js';

const flow = (queue: string, extra: WorkflowDefinition['nodes'] = []): WorkflowDefinition => ({
  schemaVersion: 1,
  key: 'k',
  name: 'K',
  nodes: [
    { id: 'start', kind: 'start' },
    { id: 'review', kind: 'humanTask', label: 'Review', config: { title: 'Review', queue, dueIn: 'PT24H', outcomes: [{ id: 'done' }] } },
    ...extra,
  ],
  edges: [],
});

describe('template inheritance', () => {
  it('merges as RFC 7386 says: objects merge, null removes, arrays and scalars replace', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1] }, { b: { c: null, x: 1 }, e: [2], f: 'g' })).toEqual({ a: 1, b: { d: 3, x: 1 }, e: [2], f: 'g' });
  });

  it('applies kept overrides and reports the ones the new base removed, re-kinded or changed under them', () => {
    const previous = flow('msp', [
      { id: 'wait', kind: 'timer', config: { duration: 'P1D' } },
      { id: 'gone', kind: 'timer', config: { duration: 'P1D' } },
    ]);
    const next = flow('msp', [{ id: 'wait', kind: 'waitForMessage', config: { message: 'm', correlationKey: 'invoice.poNumber' } }]);
    next.nodes[1]!.config = { ...next.nodes[1]!.config, dueIn: 'PT8H' };
    const overrides = {
      nodes: {
        review: { label: 'Acme review', config: { queue: 'acme' } },
        wait: { config: { duration: 'P2D' } },
        gone: { config: { duration: 'P3D' } },
      },
    };
    const { definition, outcomes } = effectiveFlow(next, overrides, previous);
    expect(outcomes.map((o) => [o.nodeId, o.status, o.reason])).toEqual([
      ['review', 'kept', undefined],
      ['wait', 'conflict', 'kind-changed'],
      ['gone', 'conflict', 'node-removed'],
    ]);
    expect(definition.nodes[1]).toMatchObject({ label: 'Acme review', config: { queue: 'acme', dueIn: 'PT8H' } });
    expect(definition.nodes[2]!.config).toEqual(next.nodes[2]!.config);

    const changed = effectiveFlow(flow('msp-2'), { nodes: { review: { config: { queue: 'acme' } } } }, flow('msp'));
    expect(changed.outcomes[0]).toMatchObject({ status: 'conflict', reason: 'base-changed', paths: ['/config/queue'] });
    expect((changed.definition.nodes[1]!.config as { queue: string }).queue).toBe('msp-2');
  });

  it('adds a step on an allowed edge, and reports one whose edge is gone or not allowed', () => {
    const withEdges = (ids: string[]): WorkflowDefinition => ({
      ...flow('msp', [{ id: 'end', kind: 'end', config: { outcome: 'resolved' } }]),
      edges: ids.map((id, i) => (i === 0 ? { id, source: 'start', target: 'review' } : { id, source: 'review', sourcePort: 'done', target: 'end' })),
    });
    const hold = { id: 'hold', kind: 'timer', config: { duration: 'PT1H' } };
    const added = effectiveFlow(withEdges(['a', 'b']), { nodes: {}, insert: [{ edge: 'b', node: hold }] }, undefined, ['b']);
    expect(added.outcomes).toMatchObject([{ nodeId: 'hold', status: 'kept' }]);
    expect(added.definition.edges.slice(1)).toEqual([
      { id: 'b', source: 'review', sourcePort: 'done', target: 'hold' },
      { id: 'b~hold', source: 'hold', target: 'end', sourcePort: 'out' },
    ]);
    expect(effectiveFlow(withEdges(['a', 'c']), { nodes: {}, insert: [{ edge: 'b', node: hold }] }, undefined, ['b']).outcomes[0]).toMatchObject({
      reason: 'edge-removed',
    });
    expect(effectiveFlow(withEdges(['a', 'b']), { nodes: {}, insert: [{ edge: 'a', node: hold }] }, undefined, ['b']).outcomes[0]).toMatchObject({
      reason: 'not-allowed',
    });
  });

  it('shows base vs override value by value', () => {
    expect(overrideDiff(flow('msp'), { nodes: { review: { config: { queue: 'acme', priority: 1 } } } })).toEqual([
      { nodeId: 'review', path: '/config/queue', base: 'msp', override: 'acme' },
      { nodeId: 'review', path: '/config/priority', base: null, override: 1 },
    ]);
  });
});
