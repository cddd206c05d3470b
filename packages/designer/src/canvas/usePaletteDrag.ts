import { useReactFlow } from '@xyflow/react';
import { useCallback, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { useDesignerStore } from '../store/DesignerStoreProvider.js';
import { DEFAULT_STEP_SIZE } from './layout.js';

/**
 * Dragging a step kind from the palette onto the canvas with pointer events (mouse, pen and
 * touch alike). A click without a drag adds the step in the middle of the visible canvas.
 */
export function usePaletteDrag() {
  const store = useDesignerStore();
  const flow = useReactFlow();
  const [ghost, setGhost] = useState<{ kind: string; x: number; y: number } | null>(null);

  const addAt = useCallback(
    (kind: string, clientX: number, clientY: number) => {
      const at = flow.screenToFlowPosition({ x: clientX, y: clientY });
      store.getState().addNode(kind, { x: at.x - DEFAULT_STEP_SIZE.width / 2, y: at.y - DEFAULT_STEP_SIZE.height / 2 });
    },
    [flow, store],
  );

  const addInView = useCallback(
    (kind: string) => {
      const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
      if (!pane) return;
      const jitter = (store.getState().definition.nodes.length % 5) * 24;
      addAt(kind, pane.left + pane.width / 2 + jitter, pane.top + pane.height / 2 + jitter);
    },
    [addAt, store],
  );

  const startDrag = useCallback(
    (kind: string, event: ReactPointerEvent) => {
      if (event.button !== 0) return;
      event.preventDefault();
      const origin = { x: event.clientX, y: event.clientY };
      let dragging = false;
      const move = (e: PointerEvent) => {
        if (!dragging && Math.hypot(e.clientX - origin.x, e.clientY - origin.y) < 4) return;
        dragging = true;
        setGhost({ kind, x: e.clientX, y: e.clientY });
      };
      const up = (e: PointerEvent) => {
        window.removeEventListener('pointermove', move);
        window.removeEventListener('pointerup', up);
        window.removeEventListener('pointercancel', cancel);
        setGhost(null);
        if (!dragging) return addInView(kind);
        const target = document.elementFromPoint(e.clientX, e.clientY);
        if (target?.closest('.react-flow') && !target.closest('.react-flow__minimap, .react-flow__controls')) addAt(kind, e.clientX, e.clientY);
      };
      const cancel = () => {
        window.removeEventListener('pointermove', move);
        window.removeEventListener('pointerup', up);
        window.removeEventListener('pointercancel', cancel);
        setGhost(null);
      };
      window.addEventListener('pointermove', move);
      window.addEventListener('pointerup', up);
      window.addEventListener('pointercancel', cancel);
    },
    [addAt, addInView],
  );

  return { ghost, startDrag, addInView };
}
