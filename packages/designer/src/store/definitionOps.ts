import { getNodeKind, type FlowEdge, type FlowNode, type Position, type WorkflowDefinition } from '@exflow/shared';
import { portLabel } from '../i18n/designerText.js';
import { i18n } from '../i18n/i18n.js';

/** Pure edits of a definition. Each returns a new definition and shares every untouched node and edge. */

const ID_PATTERN = /^(?!__)[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/** A node or edge id not yet used, derived from `base` (`decision` → `decision_2`). */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  let stem =
    base
      .replace(/[^A-Za-z0-9_-]/g, '_')
      .replace(/^_+/, '')
      .slice(0, 56) || 'node';
  if (!/^[A-Za-z_]/.test(stem)) stem = `n_${stem}`;
  if (!taken.has(stem) && ID_PATTERN.test(stem)) return stem;
  const root = stem.replace(/_\d+$/, '');
  for (let i = 2; ; i++) {
    const candidate = `${root}_${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export const nodeIds = (d: WorkflowDefinition) => new Set(d.nodes.map((n) => n.id));
export const edgeIds = (d: WorkflowDefinition) => new Set(d.edges.map((e) => e.id));

/** A fresh node of `kind` at `position`, with the kind's default config. */
export function createNode(definition: WorkflowDefinition, kind: string, position: Position): FlowNode {
  const declared = getNodeKind(kind);
  if (!declared) throw new Error(`Unknown node kind "${kind}"; pick one from the node catalogue`);
  return {
    id: uniqueId(kind, nodeIds(definition)),
    kind,
    label: declared.label,
    position: { x: Math.round(position.x), y: Math.round(position.y) },
    config: structuredClone(declared.defaults) as Record<string, unknown>,
  };
}

export function addNode(definition: WorkflowDefinition, node: FlowNode): WorkflowDefinition {
  return { ...definition, nodes: [...definition.nodes, node] };
}

/** Moves nodes; nodes whose position does not change keep their identity. */
export function moveNodes(definition: WorkflowDefinition, positions: Record<string, Position>): WorkflowDefinition {
  let changed = false;
  const nodes = definition.nodes.map((node) => {
    const to = positions[node.id];
    if (!to || (node.position && node.position.x === to.x && node.position.y === to.y)) return node;
    changed = true;
    return { ...node, position: { x: to.x, y: to.y } };
  });
  return changed ? { ...definition, nodes } : definition;
}

/** A connection the user drew: from a node's output port to another node. */
export interface PortConnection {
  source: string;
  sourcePort: string;
  target: string;
}

/** Adds an edge for a connection; the caller checks `connectionProblem` first. */
export function connect(definition: WorkflowDefinition, c: PortConnection): { definition: WorkflowDefinition; edgeId: string } {
  const edgeId = uniqueId(`e_${c.source}_${c.sourcePort}`, edgeIds(definition));
  const edge: FlowEdge = { id: edgeId, source: c.source, target: c.target, sourcePort: c.sourcePort };
  return { definition: { ...definition, edges: [...definition.edges, edge] }, edgeId };
}

/**
 * Why a connection may not be drawn, or `undefined` when it may: the catalogue's port rules
 * (one edge per output port, nothing into a start, nothing out of an end, only declared ports).
 */
export function connectionProblem(definition: WorkflowDefinition, c: { source: string; sourcePort?: string | null; target: string }): string | undefined {
  const source = definition.nodes.find((n) => n.id === c.source);
  const target = definition.nodes.find((n) => n.id === c.target);
  if (!source || !target) return i18n.t('connection.bothEnds');
  if (source.id === target.id) return i18n.t('connection.self');
  const targetKind = getNodeKind(target.kind);
  if (targetKind?.inputs === 'none') return i18n.t('connection.intoStart', { step: target.label ?? target.id });
  const sourceKind = getNodeKind(source.kind);
  const ports = sourceKind?.outputs(source.config ?? {}) ?? [];
  const step = source.label ?? source.id;
  if (ports.length === 0) return i18n.t('connection.afterEnd', { step });
  const port = c.sourcePort ?? (ports.length === 1 ? ports[0].id : undefined);
  const declared = ports.find((p) => p.id === port);
  if (!declared) return i18n.t('connection.noOutput', { step, port: c.sourcePort ?? '' });
  const taken = definition.edges.some((e) => e.source === source.id && effectivePort(definition, e) === port);
  if (taken) return i18n.t('connection.portTaken', { step, port: portLabel(source.kind, declared) });
  return undefined;
}

/** The port an edge leaves from, filling in the only port of single-output kinds. */
export function effectivePort(definition: WorkflowDefinition, edge: FlowEdge): string | undefined {
  if (edge.sourcePort) return edge.sourcePort;
  const source = definition.nodes.find((n) => n.id === edge.source);
  const ports = source ? (getNodeKind(source.kind)?.outputs(source.config ?? {}) ?? []) : [];
  return ports.length === 1 ? ports[0].id : undefined;
}

/** Removes nodes (with every edge touching them) and edges. */
export function removeElements(definition: WorkflowDefinition, ids: { nodeIds?: string[]; edgeIds?: string[] }): WorkflowDefinition {
  const nodesGone = new Set(ids.nodeIds ?? []);
  const edgesGone = new Set(ids.edgeIds ?? []);
  const nodes = definition.nodes.filter((n) => !nodesGone.has(n.id));
  const edges = definition.edges.filter((e) => !edgesGone.has(e.id) && !nodesGone.has(e.source) && !nodesGone.has(e.target));
  if (nodes.length === definition.nodes.length && edges.length === definition.edges.length) return definition;
  return { ...definition, nodes, edges };
}

export function updateNode(definition: WorkflowDefinition, nodeId: string, patch: Partial<Pick<FlowNode, 'label' | 'config'>>): WorkflowDefinition {
  return {
    ...definition,
    nodes: definition.nodes.map((n) => (n.id === nodeId ? withoutUndefined({ ...n, ...patch }) : n)),
  };
}

export function updateEdge(definition: WorkflowDefinition, edgeId: string, patch: Partial<Pick<FlowEdge, 'label'>>): WorkflowDefinition {
  return {
    ...definition,
    edges: definition.edges.map((e) => (e.id === edgeId ? withoutUndefined({ ...e, ...patch }) : e)),
  };
}

function withoutUndefined<T extends object>(value: T): T {
  const out = { ...value } as Record<string, unknown>;
  for (const [key, v] of Object.entries(out)) if (v === undefined || (key === 'label' && v === '')) delete out[key];
  return out as T;
}
