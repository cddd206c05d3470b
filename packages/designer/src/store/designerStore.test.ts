import { describe, expect, it } from 'vitest';
import { emptyFlow, fourNodeFlow, memoryClipboard } from '../../test/fixtures.js';
import { createDesignerStore } from './designerStore.js';

function setup(definition = emptyFlow()) {
  let clock = 0;
  const store = createDesignerStore({ definition, clipboard: memoryClipboard(), now: () => (clock += 5000) });
  return { store, s: () => store.getState() };
}

describe('history', () => {
  it('undo and redo across add, move, connect and delete return the exact definitions', () => {
    const { s } = setup();
    const snapshots = [structuredClone(s().definition)];
    const start = s().addNode('start', { x: 0, y: 0 });
    snapshots.push(structuredClone(s().definition));
    const end = s().addNode('end', { x: 300, y: 0 });
    snapshots.push(structuredClone(s().definition));
    s().moveNodes({ [end]: { x: 320, y: 40 } });
    snapshots.push(structuredClone(s().definition));
    const edge = s().connect({ source: start, sourcePort: 'out', target: end });
    expect(edge).toBeDefined();
    snapshots.push(structuredClone(s().definition));
    s().deleteElements({ nodeIds: [end] });
    snapshots.push(structuredClone(s().definition));
    expect(s().definition.edges).toEqual([]);

    for (let i = snapshots.length - 2; i >= 0; i--) {
      s().undo();
      expect(s().definition).toEqual(snapshots[i]);
    }
    s().undo();
    expect(s().definition).toEqual(snapshots[0]);
    for (let i = 1; i < snapshots.length; i++) {
      s().redo();
      expect(s().definition).toEqual(snapshots[i]);
    }
    expect(s().future).toEqual([]);
  });

  it('keeps problems in step with the definition on undo', () => {
    const { s } = setup(fourNodeFlow());
    expect(s().problems).toEqual([]);
    s().deleteElements({ edgeIds: ['e3'] });
    expect(s().problems.map((p) => p.code)).toContain('decision.noDefault');
    s().undo();
    expect(s().problems).toEqual([]);
  });

  it('a drag is one undo step however many frames it has', () => {
    const { s } = setup(fourNodeFlow());
    const before = structuredClone(s().definition);
    s().checkpoint();
    for (let x = 0; x <= 100; x += 10) s().moveNodes({ ok: { x: 500 + x, y: 80 } }, { transient: true });
    expect(s().definition.nodes.find((n) => n.id === 'ok')?.position).toEqual({ x: 600, y: 80 });
    s().undo();
    expect(s().definition).toEqual(before);
  });

  it('typing in one field coalesces into one undo step, a new edit afterwards does not', () => {
    let clock = 0;
    const store = createDesignerStore({ definition: fourNodeFlow(), clipboard: memoryClipboard(), now: () => clock });
    const s = () => store.getState();
    for (const label of ['L', 'La', 'Lar', 'Larg']) {
      clock += 100;
      s().updateNodeLabel('big', label);
    }
    clock += 5000;
    s().updateNodeLabel('big', 'Large invoice?');
    s().undo();
    expect(s().definition.nodes[1].label).toBe('Larg');
    s().undo();
    expect(s().definition.nodes[1].label).toBe('Large?');
  });

  it('drops undone steps from the selection', () => {
    const { s } = setup(fourNodeFlow());
    const id = s().addNode('timer', { x: 0, y: 300 });
    expect(s().selectedNodeIds).toEqual([id]);
    s().undo();
    expect(s().selectedNodeIds).toEqual([]);
  });

  it('a new edit clears the redo stack', () => {
    const { s } = setup(fourNodeFlow());
    s().deleteElements({ edgeIds: ['e1'] });
    s().undo();
    expect(s().future).toHaveLength(1);
    s().addNode('timer', { x: 0, y: 300 });
    expect(s().future).toHaveLength(0);
  });
});

describe('editing', () => {
  it('refuses connections the port rules forbid and leaves the definition alone', () => {
    const { s } = setup(fourNodeFlow());
    const before = s().definition;
    expect(s().connect({ source: 'big', sourcePort: 'yes', target: 'ok' })).toBeUndefined();
    expect(s().connect({ source: 'ok', sourcePort: 'out', target: 'big' })).toBeUndefined();
    expect(s().connect({ source: 'big', sourcePort: 'yes', target: 'start' })).toBeUndefined();
    expect(s().definition).toBe(before);
    expect(s().past).toHaveLength(0);
  });

  it('appends a connected step to the right of the selected one', () => {
    const { s } = setup(emptyFlow());
    const start = s().addNode('start', { x: 0, y: 0 });
    const next = s().appendNode(start, 'out', 'humanTask');
    expect(next).toBe('humanTask');
    expect(s().definition.edges).toEqual([{ id: 'e_start_out', source: 'start', target: 'humanTask', sourcePort: 'out' }]);
    expect(s().definition.nodes[1].position).toEqual({ x: 300, y: 0 });
    expect(s().selectedNodeIds).toEqual(['humanTask']);
  });

  it('copies and pastes steps with fresh ids and the edges between them', () => {
    const clipboard = memoryClipboard();
    const a = createDesignerStore({ definition: fourNodeFlow(), clipboard });
    a.getState().select({ nodeIds: ['big', 'ok'] });
    expect(a.getState().copySelection()).toBe(2);
    const b = createDesignerStore({ definition: fourNodeFlow(), clipboard });
    const pasted = b.getState().paste();
    expect(pasted).toEqual(['big_2', 'ok_2']);
    const edges = b.getState().definition.edges.filter((e) => pasted.includes(e.source));
    expect(edges).toEqual([{ id: 'e_big_2_default', source: 'big_2', target: 'ok_2', sourcePort: 'default' }]);
    expect(b.getState().selectedNodeIds).toEqual(pasted);
  });
});
