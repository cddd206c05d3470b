import { getNodeKind } from '@exflow/shared';
import { useReactFlow } from '@xyflow/react';
import { useCallback } from 'react';
import { useDesignerStore } from '../store/DesignerStoreProvider.js';
import { getElk } from './elk.js';
import { layoutDefinition } from './layout.js';

/**
 * Lays the draft out with ELK (in a worker) and applies the positions as one undoable change.
 * `record: false` for the automatic layout of an imported flow that had no positions.
 */
export function useAutoLayout() {
  const store = useDesignerStore();
  const flow = useReactFlow();
  return useCallback(
    async (options: { record?: boolean; fit?: boolean } = {}) => {
      const { definition } = store.getState();
      if (definition.nodes.length === 0) return;
      performance.mark('exflow:auto-layout-start');
      const sizes = new Map<string, { width: number; height: number }>();
      for (const node of definition.nodes) {
        const measured = flow.getInternalNode(node.id)?.measured;
        if (measured?.width && measured.height) sizes.set(node.id, { width: measured.width, height: measured.height });
      }
      const ports = (id: string) => {
        const node = store.getState().definition.nodes.find((n) => n.id === id);
        return node
          ? (getNodeKind(node.kind)
              ?.outputs(node.config ?? {})
              .map((p) => p.id) ?? [])
          : [];
      };
      const byId = new Map(definition.nodes.map((n) => [n.id, n]));
      const portsOf = (id: string) => (byId.has(id) ? ports(id) : []);
      const positions = await layoutDefinition(definition, sizes, portsOf, await getElk());
      if (store.getState().definition !== definition) return; // edited meanwhile: do not overwrite
      if (options.record === false)
        store
          .getState()
          .commit(
            { ...definition, nodes: definition.nodes.map((n) => ({ ...n, position: positions[n.id] ?? n.position })) },
            { layoutOnly: true, record: false },
          );
      else store.getState().applyLayout(positions);
      performance.mark('exflow:auto-layout-done');
      if (options.fit !== false) requestAnimationFrame(() => void flow.fitView({ duration: 250, padding: 0.12 }));
    },
    [store, flow],
  );
}
