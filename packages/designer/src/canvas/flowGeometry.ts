import { getNodeKind, type WorkflowDefinition } from '@exflow/shared';
import type { ReactFlowInstance } from '@xyflow/react';
import { edgePort, type StepEdge, type StepNode } from './derive.js';
import { estimateLabel, type LayoutInput, type StepGeometry } from './layout.js';

let context: CanvasRenderingContext2D | null | undefined;

/** An edge label's size as `.edge-label` draws it (13 px, 8 px padding, 1 px border, at most 160 px wide), with a margin. */
export function measureLabel(text: string): { width: number; height: number } {
  context ??= typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  if (!context) return estimateLabel(text);
  context.font = `500 13px ${getComputedStyle(document.body).fontFamily}`;
  return { width: Math.ceil(Math.min(context.measureText(text).width, 144) + 18 + 6), height: 26 };
}

/**
 * What ELK needs of the flow as the canvas draws it: each step's measured size and handle
 * positions, the ports in the catalogue's order and the text on each edge. Auto-layout and the
 * edge router read the same, so the routes ELK returns fit the positions auto-layout applied.
 */
export function layoutInputFor(flow: ReactFlowInstance<StepNode, StepEdge>, definition: WorkflowDefinition): LayoutInput {
  const geometry = new Map<string, StepGeometry>();
  for (const node of definition.nodes) {
    const internal = flow.getInternalNode(node.id);
    const { width, height } = internal?.measured ?? {};
    if (!width || !height) continue;
    const bounds = internal?.internals.handleBounds;
    const ports: Record<string, { x: number; y: number }> = {};
    for (const h of bounds?.source ?? []) if (h.id) ports[h.id] = { x: h.x + h.width, y: h.y + h.height / 2 };
    const input = bounds?.target?.[0];
    geometry.set(node.id, { width, height, ports, ...(input ? { input: { x: input.x, y: input.y + input.height / 2 } } : {}) });
  }
  const byId = new Map(definition.nodes.map((n) => [n.id, n]));
  const edges = new Map(definition.edges.map((e) => [e.id, e]));
  return {
    geometry,
    portOrder: (id) => {
      const node = byId.get(id);
      return node
        ? (getNodeKind(node.kind)
            ?.outputs(node.config ?? {})
            .map((p) => p.id) ?? [])
        : [];
    },
    labelOf: (id) => {
      const edge = edges.get(id);
      const source = edge && byId.get(edge.source);
      return edge && source ? edgePort(edge, source).label : undefined;
    },
    measureLabel,
  };
}

/**
 * What decides ELK's answer apart from where the steps are: steps, their sizes and handles,
 * edges and their labels. The router lays the flow out again only when this changes.
 */
export function layoutKey(definition: WorkflowDefinition, input: LayoutInput): string {
  return JSON.stringify([
    definition.nodes.map((n) => [n.id, input.geometry.get(n.id) ?? null, input.portOrder(n.id)]),
    definition.edges.map((e) => [e.id, e.source, e.sourcePort ?? null, e.target, input.labelOf?.(e.id) ?? null]),
  ]);
}
