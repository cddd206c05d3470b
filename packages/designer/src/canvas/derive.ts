import { getNodeKind, type FlowEdge, type FlowNode, type Heatmap, type PortSpec, type ValidationProblem, type WorkflowDefinition } from '@exflow/shared';
import { MarkerType, type Edge, type EdgeMarker, type Node } from '@xyflow/react';
import { portLabel, problemText } from '../i18n/designerText.js';
import { i18n, kindLabel } from '../i18n/i18n.js';
import type { ChangeKind, DefinitionDiff } from '../versions/diff.js';
import type { EdgeRoute } from './edgePath.js';

/** Where an edge whose port is not declared (any more) is drawn from, so it stays visible and fixable. */
export const ORPHAN_HANDLE = '__orphan';
export const INPUT_HANDLE = 'in';

export type StepNodeData = {
  node: FlowNode;
  kindLabel: string;
  icon: string;
  group: string;
  ports: PortSpec[];
  hasInput: boolean;
  problems: string[];
  sim?: 'active' | 'visited';
  diff?: ChangeKind | 'moved';
  readOnly: boolean;
  /** Heatmap figures of the step, with its heat level (1–4) among the steps of the flow. */
  heat?: NodeHeat;
};

export type NodeHeat = Heatmap['nodes'][number] & { level: number };

export type StepEdgeData = {
  label?: string;
  problems: string[];
  sim?: 'taken';
  diff?: ChangeKind;
  /** Heatmap: how often cases took the edge, and its stroke width. */
  heat?: { count: number; width: number };
  /** ELK's orthogonal route and label box, where the steps still sit where ELK placed them. */
  route?: EdgeRoute;
};

export type StepNode = Node<StepNodeData, 'step'>;
export type StepEdge = Edge<StepEdgeData, 'step'>;

export interface CanvasInput {
  definition: WorkflowDefinition;
  problems: readonly ValidationProblem[];
  selectedNodeIds?: readonly string[];
  selectedEdgeIds?: readonly string[];
  /** Sizes React Flow measured, kept outside the definition (they are not part of the flow). */
  measured?: ReadonlyMap<string, { width: number; height: number }>;
  simulation?: { active: readonly string[]; visited: ReadonlySet<string>; edges: ReadonlySet<string> } | null;
  /** When comparing versions: `definition` is the newer one; removed elements come from `base`. */
  comparison?: { base: WorkflowDefinition; diff: DefinitionDiff } | null;
  readOnly?: boolean;
  /** Heatmap of the shown (published) version: figures on the steps, frequencies on the edges. */
  heatmap?: Heatmap | null;
  /** Edge routes laid out by ELK, by edge id (see `placeRoutes`). */
  routes?: ReadonlyMap<string, EdgeRoute>;
  /** The language the texts on the canvas are in: a switch derives every element again. */
  language?: string;
}

export interface CanvasElements {
  nodes: StepNode[];
  edges: StepEdge[];
}

/** Default spot for a node that has no position yet, so an imported flow is visible before layout. */
export function fallbackPosition(index: number) {
  return { x: (index % 8) * 280, y: Math.floor(index / 8) * 180 };
}

/**
 * Derives the React Flow nodes and edges from a definition plus its decorations (selection,
 * problems, simulation path, diff). The canvas never holds state of its own.
 * @example const { nodes, edges } = deriveCanvas({ definition, problems: [] });
 */
export function deriveCanvas(input: CanvasInput): CanvasElements {
  return createCanvasDeriver()(input);
}

/**
 * A memoised `deriveCanvas`: an element whose inputs did not change keeps its object identity,
 * so React Flow and the memoised node components skip it (what keeps 1,000 nodes fast).
 */
export function createCanvasDeriver(): (input: CanvasInput) => CanvasElements {
  let nodeCache = new Map<string, { key: unknown[]; node: StepNode }>();
  let edgeCache = new Map<string, { key: unknown[]; edge: StepEdge }>();

  return (input) => {
    const { definition, comparison } = input;
    const readOnly = input.readOnly ?? false;
    const selectedNodes = new Set(input.selectedNodeIds ?? []);
    const selectedEdges = new Set(input.selectedEdgeIds ?? []);
    const { nodeProblems, edgeProblems } = groupProblems(input.problems, definition);
    const diff = comparison?.diff;
    const sim = input.simulation;
    const heat = heatOf(input.heatmap);

    const allNodes = comparison ? [...definition.nodes, ...comparison.base.nodes.filter((n) => diff?.nodes[n.id] === 'removed')] : definition.nodes;
    const nextNodeCache = new Map<string, { key: unknown[]; node: StepNode }>();
    const nodes = allNodes.map((flowNode, index) => {
      const measured = input.measured?.get(flowNode.id);
      const simState = sim?.active.includes(flowNode.id) ? 'active' : sim?.visited.has(flowNode.id) ? 'visited' : undefined;
      const diffState = diff?.nodes[flowNode.id] ?? (diff?.moved.includes(flowNode.id) ? 'moved' : undefined);
      const problems = nodeProblems.get(flowNode.id) ?? NONE;
      const nodeHeat = heat?.nodes.get(flowNode.id);
      const key = [
        flowNode,
        nodeHeat,
        selectedNodes.has(flowNode.id),
        problems.join('\n'),
        simState,
        diffState,
        measured?.width,
        measured?.height,
        readOnly,
        flowNode.position ? -1 : index,
        input.language,
      ];
      const cached = nodeCache.get(flowNode.id);
      const node =
        cached && sameKey(cached.key, key)
          ? cached.node
          : toStepNode(flowNode, index, { selected: selectedNodes.has(flowNode.id), problems, simState, diffState, measured, readOnly, heat: nodeHeat });
      nextNodeCache.set(flowNode.id, { key, node });
      return node;
    });

    const byId = new Map(allNodes.map((n) => [n.id, n]));
    const allEdges = comparison ? [...definition.edges, ...comparison.base.edges.filter((e) => diff?.edges[e.id] === 'removed')] : definition.edges;
    const nextEdgeCache = new Map<string, { key: unknown[]; edge: StepEdge }>();
    const edges: StepEdge[] = [];
    for (const flowEdge of allEdges) {
      const source = byId.get(flowEdge.source);
      if (!source || !byId.has(flowEdge.target)) continue;
      const problems = edgeProblems.get(flowEdge.id) ?? NONE;
      const simState = sim?.edges.has(flowEdge.id) ? 'taken' : undefined;
      const diffState = diff?.edges[flowEdge.id];
      const edgeHeat = heat?.edges.get(flowEdge.id);
      const route = input.routes?.get(flowEdge.id);
      const key = [
        flowEdge,
        source,
        selectedEdges.has(flowEdge.id),
        problems.join('\n'),
        simState,
        diffState,
        readOnly,
        edgeHeat?.count,
        edgeHeat?.width,
        route,
        input.language,
      ];
      const cached = edgeCache.get(flowEdge.id);
      const edge =
        cached && sameKey(cached.key, key)
          ? cached.edge
          : toStepEdge(flowEdge, source, { selected: selectedEdges.has(flowEdge.id), problems, simState, diffState, readOnly, heat: edgeHeat, route });
      nextEdgeCache.set(flowEdge.id, { key, edge });
      edges.push(edge);
    }
    nodeCache = nextNodeCache;
    edgeCache = nextEdgeCache;
    return { nodes, edges };
  };
}

const NONE: string[] = [];

/**
 * Heat levels 1–4 by cases through the step (relative to the busiest step), and edge widths
 * from 1.5 px to 8 px by how often cases took the edge (relative to the busiest edge).
 */
function heatOf(heatmap: Heatmap | null | undefined) {
  if (!heatmap) return null;
  const busiest = Math.max(1, ...heatmap.nodes.map((n) => n.cases + n.openNow));
  const nodes = new Map<string, NodeHeat>(
    heatmap.nodes.map((n) => [n.nodeId, { ...n, level: n.cases + n.openNow === 0 ? 0 : Math.max(1, Math.ceil((4 * (n.cases + n.openNow)) / busiest)) }]),
  );
  const mostTaken = Math.max(1, ...heatmap.edges.map((e) => e.count));
  const edges = new Map(heatmap.edges.map((e) => [e.edgeId, { count: e.count, width: e.count ? 1.5 + (6.5 * e.count) / mostTaken : 1 }]));
  return { nodes, edges };
}

function groupProblems(problems: readonly ValidationProblem[], definition: WorkflowDefinition) {
  const edgeIds = new Set(definition.edges.map((e) => e.id));
  const nodeProblems = new Map<string, string[]>();
  const edgeProblems = new Map<string, string[]>();
  for (const p of problems) {
    if (p.edgeId && edgeIds.has(p.edgeId)) push(edgeProblems, p.edgeId, problemText(p, definition));
    else if (p.nodeId) push(nodeProblems, p.nodeId, problemText(p, definition));
  }
  return { nodeProblems, edgeProblems };
}

function push(map: Map<string, string[]>, id: string, message: string) {
  const list = map.get(id);
  if (list) list.push(message);
  else map.set(id, [message]);
}

function sameKey(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

interface NodeDecoration {
  selected: boolean;
  problems: string[];
  simState?: 'active' | 'visited';
  diffState?: ChangeKind | 'moved';
  measured?: { width: number; height: number };
  readOnly: boolean;
  heat?: NodeHeat;
}

/**
 * A step's size before the browser has measured it: steps outside the view are never rendered
 * (and so never measured) in a large flow, yet the minimap and fit-to-view need their extent.
 */
export function estimatedSize(portCount: number): { width: number; height: number } {
  return { width: 200, height: 72 + (portCount > 1 ? 10 + portCount * 19 : 0) };
}

function toStepNode(flowNode: FlowNode, index: number, d: NodeDecoration): StepNode {
  const kind = getNodeKind(flowNode.kind);
  const ghost = d.diffState === 'removed';
  const ports = kind ? kind.outputs(flowNode.config ?? {}).map((p) => ({ ...p, label: portLabel(flowNode.kind, p) })) : [];
  const estimate = estimatedSize(ports.length);
  return {
    id: flowNode.id,
    type: 'step',
    position: flowNode.position ?? fallbackPosition(index),
    selected: d.selected,
    draggable: !d.readOnly && !ghost,
    connectable: !d.readOnly && !ghost,
    deletable: !d.readOnly && !ghost,
    selectable: !ghost,
    initialWidth: estimate.width,
    initialHeight: estimate.height,
    ...(d.measured ? { measured: d.measured } : {}),
    data: {
      node: flowNode,
      kindLabel: kind ? kindLabel(flowNode.kind, kind.label) : i18n.t('step.unknownKind', { kind: flowNode.kind }),
      icon: kind?.icon ?? '?',
      group: kind?.group ?? 'unknown',
      ports,
      hasInput: kind?.inputs !== 'none',
      problems: d.problems,
      sim: d.simState,
      diff: d.diffState,
      readOnly: d.readOnly,
      heat: d.heat,
    },
  };
}

interface EdgeDecoration {
  selected: boolean;
  problems: string[];
  simState?: 'taken';
  diffState?: ChangeKind;
  readOnly: boolean;
  heat?: { count: number; width: number };
  route?: EdgeRoute;
}

const MARKER_COLOURS = {
  plain: '#8a94a6',
  selected: '#2456d6',
  problem: '#c9302c',
  taken: '#0f8a5f',
  added: '#2f9e5f',
  removed: '#d9534f',
  changed: '#d99a2b',
} as const;
const markers = Object.fromEntries(
  Object.entries(MARKER_COLOURS).map(([k, color]) => [k, { type: MarkerType.ArrowClosed, color, width: 14, height: 14, markerUnits: 'userSpaceOnUse' }]),
) as Record<keyof typeof MARKER_COLOURS, EdgeMarker>;

/** One arrowhead per edge state, sized in pixels so a thick highlighted edge keeps a normal arrow. */
function markerFor(d: EdgeDecoration): EdgeMarker {
  if (d.diffState) return markers[d.diffState];
  if (d.problems.length) return markers.problem;
  if (d.selected) return markers.selected;
  return d.simState ? markers.taken : markers.plain;
}

/** The port an edge leaves from, and the text it carries on the canvas (its own label, or its port's when the step has several). */
export function edgePort(flowEdge: FlowEdge, source: FlowNode): { port: PortSpec | undefined; label: string | undefined } {
  const ports = getNodeKind(source.kind)?.outputs(source.config ?? {}) ?? [];
  const portId = flowEdge.sourcePort ?? (ports.length === 1 ? ports[0].id : undefined);
  const port = ports.find((p) => p.id === portId);
  return { port, label: flowEdge.label ?? (port && ports.length > 1 ? portLabel(source.kind, port) : undefined) };
}

function toStepEdge(flowEdge: FlowEdge, source: FlowNode, d: EdgeDecoration): StepEdge {
  const { port, label } = edgePort(flowEdge, source);
  const ghost = d.diffState === 'removed';
  return {
    id: flowEdge.id,
    type: 'step',
    source: flowEdge.source,
    target: flowEdge.target,
    sourceHandle: port ? port.id : ORPHAN_HANDLE,
    targetHandle: INPUT_HANDLE,
    selected: d.selected,
    selectable: !ghost,
    deletable: !d.readOnly && !ghost,
    markerEnd: markerFor(d),
    data: {
      label,
      problems: d.problems,
      sim: d.simState,
      diff: d.diffState,
      heat: d.heat,
      route: d.route,
    },
  };
}
