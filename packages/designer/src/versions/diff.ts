import type { FlowEdge, FlowNode, WorkflowDefinition } from '@exflow/shared';

export type ChangeKind = 'added' | 'removed' | 'changed';

/** What changed from `base` to `target`: per node and edge id, and which nodes only moved. */
export interface DefinitionDiff {
  nodes: Record<string, ChangeKind>;
  edges: Record<string, ChangeKind>;
  /** Nodes whose position alone changed: layout, not behaviour. */
  moved: string[];
  /** Top-level fields (name, description) that differ. */
  meta: string[];
  counts: { added: number; removed: number; changed: number };
}

/**
 * Compares two definitions by node and edge id. A node is `changed` when its kind, label or
 * config differ (position alone counts as `moved`); an edge when its ends, port or label differ.
 * @example diffDefinitions(v1, v2).nodes // { review: 'changed', escalate: 'added' }
 */
export function diffDefinitions(base: WorkflowDefinition, target: WorkflowDefinition): DefinitionDiff {
  const nodes: Record<string, ChangeKind> = {};
  const edges: Record<string, ChangeKind> = {};
  const moved: string[] = [];
  const before = new Map(base.nodes.map((n) => [n.id, n]));
  const after = new Map(target.nodes.map((n) => [n.id, n]));
  for (const [id, node] of after) {
    const old = before.get(id);
    if (!old) nodes[id] = 'added';
    else if (!sameJson(behaviourOf(old), behaviourOf(node))) nodes[id] = 'changed';
    else if (!sameJson(old.position ?? null, node.position ?? null)) moved.push(id);
  }
  for (const id of before.keys()) if (!after.has(id)) nodes[id] = 'removed';

  const edgesBefore = new Map(base.edges.map((e) => [e.id, e]));
  const edgesAfter = new Map(target.edges.map((e) => [e.id, e]));
  for (const [id, edge] of edgesAfter) {
    const old = edgesBefore.get(id);
    if (!old) edges[id] = 'added';
    else if (!sameJson(edgeShape(old), edgeShape(edge))) edges[id] = 'changed';
  }
  for (const id of edgesBefore.keys()) if (!edgesAfter.has(id)) edges[id] = 'removed';

  const meta = (['name', 'description'] as const).filter((k) => (base[k] ?? '') !== (target[k] ?? ''));
  const all = [...Object.values(nodes), ...Object.values(edges)];
  const count = (kind: ChangeKind) => all.filter((k) => k === kind).length;
  return { nodes, edges, moved, meta, counts: { added: count('added'), removed: count('removed'), changed: count('changed') } };
}

/** True when the two definitions differ in anything the diff reports (layout moves included). */
export function hasChanges(diff: DefinitionDiff): boolean {
  return Object.keys(diff.nodes).length > 0 || Object.keys(diff.edges).length > 0 || diff.moved.length > 0 || diff.meta.length > 0;
}

const behaviourOf = (n: FlowNode) => ({ kind: n.kind, label: n.label ?? null, config: n.config ?? {} });
const edgeShape = (e: FlowEdge) => ({ source: e.source, target: e.target, port: e.sourcePort ?? null, label: e.label ?? null });

/** Deep equality of JSON values, independent of object key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => sameJson(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bKeys = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return keys.length === bKeys.length && keys.every((k) => sameJson(ao[k], bo[k]));
}
