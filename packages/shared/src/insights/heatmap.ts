import type { WorkflowDefinition } from '../definition/types.js';

/** A move of cases from one step to the next, as the audit saw it: `source` null for a case's first step. */
export interface StepTransition {
  source: string | null;
  target: string;
  count: number;
}

/**
 * How often cases took each edge of the definition. A move the audit saw goes between steps a
 * case rests in (tasks, services, timers, ends); the steps it passed on the way (decisions,
 * the start) are never rested in, so each move is laid on the shortest path of edges from its
 * source to its target through steps no case rests in, and counts on every edge of that path.
 * A case's first step is reached from the start node. Moves no such path explains are left out.
 * @example
 * edgeFrequencies(def, [{ source: 'review', target: 'accepted', count: 3 }])
 * // [{ edgeId: 'e5', source: 'review', target: 'accepted', count: 3 }, …every other edge with 0]
 */
export function edgeFrequencies(
  definition: Pick<WorkflowDefinition, 'nodes' | 'edges'>,
  transitions: readonly StepTransition[],
): { edgeId: string; source: string; target: string; count: number }[] {
  const counts = new Map(definition.edges.map((e) => [e.id, 0]));
  const rested = new Set(transitions.map((t) => t.target));
  const out = new Map<string, typeof definition.edges>();
  for (const e of definition.edges) out.set(e.source, [...(out.get(e.source) ?? []), e]);
  const starts = definition.nodes.filter((n) => n.kind === 'start').map((n) => n.id);

  const path = (from: string, to: string): string[] | null => {
    const seen = new Set([from]);
    let frontier: { node: string; edges: string[] }[] = [{ node: from, edges: [] }];
    while (frontier.length) {
      const next: typeof frontier = [];
      for (const { node, edges } of frontier)
        for (const e of out.get(node) ?? []) {
          if (e.target === to) return [...edges, e.id];
          if (seen.has(e.target) || rested.has(e.target)) continue;
          seen.add(e.target);
          next.push({ node: e.target, edges: [...edges, e.id] });
        }
      frontier = next;
    }
    return null;
  };

  for (const t of transitions) {
    const sources = t.source === null ? starts : [t.source];
    for (const source of sources) {
      const edges = path(source, t.target);
      if (!edges) continue;
      for (const id of edges) counts.set(id, (counts.get(id) ?? 0) + t.count);
      break;
    }
  }
  return definition.edges.map((e) => ({ edgeId: e.id, source: e.source, target: e.target, count: counts.get(e.id) ?? 0 }));
}
