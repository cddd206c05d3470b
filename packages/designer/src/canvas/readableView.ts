import { useReactFlow, useStoreApi, type Rect, type Viewport } from '@xyflow/react';
import { useCallback } from 'react';
import type { StepEdge, StepNode } from './derive.js';

/**
 * The smallest zoom a flow opens at: step titles (13.5 px) and edge labels (13 px) stay at
 * least 11 px high on screen. A flow too large to fit at this zoom opens at it, and the person
 * pans; fitting it whole would shrink the text to 6–7 px.
 */
export const READABLE_ZOOM = 0.85;
const PADDING = 40;

/**
 * The viewport that shows `bounds` whole in a `width` × `height` view, zoomed no further out
 * than `READABLE_ZOOM` (nor in past `maxZoom`). When the flow does not fit, its left edge (where
 * it starts) is shown, centred on `anchorY` when it is also too tall.
 * @example readableViewport({ x: 0, y: 0, width: 3000, height: 400 }, 1000, 800) // zoom 0.85, left edge at 40 px
 */
export function readableViewport(bounds: Rect, width: number, height: number, anchorY = bounds.y + bounds.height / 2, maxZoom = 1.1): Viewport {
  const fit = Math.min((width - 2 * PADDING) / Math.max(bounds.width, 1), (height - 2 * PADDING) / Math.max(bounds.height, 1), maxZoom);
  const zoom = Math.max(fit, READABLE_ZOOM);
  const fitsAcross = bounds.width * zoom <= width - 2 * PADDING;
  const fitsDown = bounds.height * zoom <= height - 2 * PADDING;
  const x = fitsAcross ? (width - bounds.width * zoom) / 2 - bounds.x * zoom : PADDING - bounds.x * zoom;
  const y = fitsDown ? (height - bounds.height * zoom) / 2 - bounds.y * zoom : height / 2 - anchorY * zoom;
  return { x, y, zoom };
}

/** Shows the flow at a readable zoom (see `readableViewport`), anchored on its start step. */
export function useReadableFit(): (options?: { duration?: number }) => Promise<boolean> {
  const flow = useReactFlow<StepNode, StepEdge>();
  const store = useStoreApi<StepNode, StepEdge>();
  return useCallback(
    async (options = {}) => {
      const nodes = flow.getNodes();
      const { width, height } = store.getState();
      if (nodes.length === 0 || !width || !height) return false;
      const start = nodes.find((n) => n.data.node.kind === 'start') ?? nodes[0];
      const measured = flow.getInternalNode(start.id)?.measured.height ?? 0;
      await flow.setViewport(readableViewport(flow.getNodesBounds(nodes), width, height, start.position.y + measured / 2), options);
      return true;
    },
    [flow, store],
  );
}
