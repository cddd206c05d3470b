import { validate } from '@exflow/shared';
import { describe, expect, it } from 'vitest';
import { fourNodeFlow } from '../../test/fixtures.js';
import { copyElements, createLocalClipboard, pasteElements } from './clipboard.js';

describe('clipboard', () => {
  it('copies the chosen steps and only the edges between them', () => {
    const payload = copyElements(fourNodeFlow(), ['start', 'big'])!;
    expect(payload.nodes.map((n) => n.id)).toEqual(['start', 'big']);
    expect(payload.edges.map((e) => e.id)).toEqual(['e1']);
  });

  it('pastes under fresh ids, rewires edges to the renamed steps and offsets positions', () => {
    const definition = fourNodeFlow();
    const payload = copyElements(definition, ['big', 'review', 'ok'])!;
    const { definition: next, nodeIds, edgeIds } = pasteElements(definition, payload, { x: 40, y: 40 });
    expect(nodeIds).toEqual(['big_2', 'review_2', 'ok_2']);
    expect(edgeIds).toEqual(['e_big_2_yes', 'e_big_2_default']);
    expect(next.edges.slice(3)).toEqual([
      { id: 'e_big_2_yes', source: 'big_2', target: 'review_2', sourcePort: 'yes' },
      { id: 'e_big_2_default', source: 'big_2', target: 'ok_2', sourcePort: 'default' },
    ]);
    expect(next.nodes.find((n) => n.id === 'big_2')!.position).toEqual({ x: 290, y: 40 });
    expect(new Set(next.nodes.map((n) => n.id)).size).toBe(next.nodes.length);
    expect(validate(next).problems.some((p) => p.code.endsWith('duplicateId'))).toBe(false);
    expect(definition.nodes).toHaveLength(4);
  });

  it('pasting twice never reuses an id', () => {
    const definition = fourNodeFlow();
    const payload = copyElements(definition, ['ok'])!;
    const once = pasteElements(definition, payload).definition;
    const twice = pasteElements(once, payload);
    expect(twice.nodeIds).toEqual(['ok_3']);
  });

  it('round-trips through storage and falls back to memory', () => {
    const data = new Map<string, string>();
    const storage = { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) } as Storage;
    const payload = copyElements(fourNodeFlow(), ['ok'])!;
    createLocalClipboard(storage).write(payload);
    expect(createLocalClipboard(storage).read()).toEqual(payload);
    const none = createLocalClipboard(undefined);
    none.write(payload);
    expect(none.read()).toEqual(payload);
  });
});
