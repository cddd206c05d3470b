import { useStore } from '@xyflow/react';
import type { StepEdge } from './derive.js';
import { edgeGeometry, separateLabels, type LabelBox, type Point } from './edgePath.js';
import { measureLabel } from './flowGeometry.js';

type FlowState = Parameters<Parameters<typeof useStore>[0]>[0];

const sizes = new Map<string, { width: number; height: number }>();
/** The label's size as drawn: its text, a problem badge and heat figures take room too. */
function labelSize(edge: StepEdge): { width: number; height: number } {
  const text = [edge.data?.problems.length ? '!!' : '', edge.data?.label ?? '', edge.data?.heat ? `×${edge.data.heat.count}` : ''].join(' ').trim();
  let size = sizes.get(text);
  if (!size) sizes.set(text, (size = measureLabel(text)));
  return size;
}

const showsLabel = (edge: StepEdge) => Boolean(edge.data?.label) || Boolean(edge.data?.problems.length) || edge.data?.heat !== undefined;

/** The edge's ends on the canvas: its source port's handle (right side) and its target's input handle (left side). */
function ends(state: FlowState, edge: StepEdge): { source: Point; target: Point } | null {
  const from = state.nodeLookup.get(edge.source);
  const to = state.nodeLookup.get(edge.target);
  const out = from?.internals.handleBounds?.source?.find((h) => h.id === edge.sourceHandle);
  const into = to?.internals.handleBounds?.target?.[0];
  if (!from || !to || !out || !into) return null;
  const [a, b] = [from.internals.positionAbsolute, to.internals.positionAbsolute];
  return { source: { x: a.x + out.x + out.width, y: a.y + out.y + out.height / 2 }, target: { x: b.x + into.x, y: b.y + into.y + into.height / 2 } };
}

/** How far this edge's label moves so that it covers no label of another edge of its step the canvas routed itself; null: it stays. */
function labelOffset(state: FlowState, edgeId: string, source: string): Point | null {
  const edges = (state.edges as StepEdge[]).filter((e) => e.source === source && showsLabel(e));
  if (edges.length < 2) return null;
  const labels = new Map<string, LabelBox>();
  for (const edge of edges) {
    const at = ends(state, edge);
    if (!at) continue;
    const geometry = edgeGeometry(edge.data?.route, at.source, at.target);
    if (geometry.by === 'canvas') labels.set(edge.id, { x: geometry.labelX, y: geometry.labelY, ...labelSize(edge) });
  }
  const own = labels.get(edgeId);
  if (!own || labels.size < 2) return null;
  const placed = separateLabels(labels).get(edgeId)!;
  return placed.x === own.x && placed.y === own.y ? null : { x: placed.x - own.x, y: placed.y - own.y };
}

const sameOffset = (a: Point | null, b: Point | null) => a === b || (a !== null && b !== null && a.x === b.x && a.y === b.y);

/**
 * Where an edge's label moves when the canvas routed the edge itself (ELK did not: a step moved
 * by hand, a flow too large to route) and its label would cover another of the same step's
 * (`separateLabels`). Every edge of the step computes the same placement from the same state,
 * so they agree without talking to each other.
 */
export function useLabelOffset(edgeId: string, source: string): Point | null {
  return useStore((state) => labelOffset(state, edgeId, source), sameOffset);
}
