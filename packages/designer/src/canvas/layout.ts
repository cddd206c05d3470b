import type { Position, WorkflowDefinition } from '@exflow/shared';
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { effectivePort } from '../store/definitionOps.js';
import type { EdgeRoute, Point } from './edgePath.js';

export const DEFAULT_STEP_SIZE = { width: 200, height: 96 };

/** Past this many steps layout takes the cheaper options and the canvas draws its own edge paths. */
export const ROUTED_UP_TO = 300;

/**
 * What the canvas measured of one step: its size, where each output port's handle sits and
 * where its input handle sits (relative to the step's top-left corner).
 */
export interface StepGeometry {
  width: number;
  height: number;
  ports?: Readonly<Record<string, Point>>;
  input?: Point;
}

/** What the layout needs to know about the flow beyond the definition. */
export interface LayoutInput {
  geometry: ReadonlyMap<string, StepGeometry>;
  /** The output ports of a step, in the catalogue's order. */
  portOrder(nodeId: string): string[];
  /** The text on an edge (decision branch, task outcome), if it has one. */
  labelOf?(edgeId: string): string | undefined;
  /** The size of an edge label as the canvas draws it. */
  measureLabel?(text: string): { width: number; height: number };
}

/** A label's size when nothing measures it: the canvas's 12 px label font, generously. */
export const estimateLabel = (text: string) => ({ width: Math.ceil(text.length * 7.4) + 22, height: 22 });

/**
 * ELK options: layered left to right, orthogonal edges with their labels placed among the
 * steps (so labels never overlap each other or a step), ports where the canvas draws them.
 * Past a few hundred steps the cheaper placement keeps a 1,000-step flow to about a second
 * (measured by bench/render.ts).
 */
export function layoutOptions(nodeCount: number): Record<string, string> {
  const big = nodeCount > ROUTED_UP_TO;
  return {
    'elk.algorithm': 'layered',
    'elk.direction': 'RIGHT',
    'elk.spacing.nodeNode': '48',
    'elk.layered.spacing.nodeNodeBetweenLayers': big ? '72' : '40',
    'elk.layered.spacing.edgeNodeBetweenLayers': big ? '24' : '20',
    'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    ...(big
      ? {
          'elk.edgeRouting': 'POLYLINE',
          'elk.layered.thoroughness': '1',
          'elk.layered.crossingMinimization.greedySwitch.type': 'OFF',
          'elk.layered.nodePlacement.strategy': 'SIMPLE',
          'elk.portConstraints': 'UNDEFINED',
        }
      : {
          'elk.edgeRouting': 'ORTHOGONAL',
          'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
          'elk.edgeLabels.placement': 'CENTER',
          // a rework loop goes back to the left: the flow reads from its start, not from a loop's target
          'elk.layered.cycleBreaking.strategy': 'DEPTH_FIRST',
          'elk.spacing.edgeLabel': '4',
          'elk.spacing.edgeEdge': '14',
          'elk.layered.spacing.edgeEdgeBetweenLayers': '14',
        }),
  };
}

/**
 * The ELK graph of a definition: one node per step, one port per output. Where the canvas
 * measured a step's handles the ports sit exactly there (`FIXED_POS`), so ELK's edge sections
 * start and end on the handles the canvas draws; otherwise they keep the catalogue's order.
 */
export function toElkGraph(definition: WorkflowDefinition, input: LayoutInput): ElkNode {
  const big = definition.nodes.length > ROUTED_UP_TO;
  const children: ElkNode[] = definition.nodes.map((node) => {
    const geometry = input.geometry.get(node.id);
    const size = geometry ?? DEFAULT_STEP_SIZE;
    const ports = input.portOrder(node.id);
    const fixed = !big && geometry?.input !== undefined && ports.every((p) => geometry.ports?.[p]);
    return {
      id: node.id,
      width: size.width,
      height: size.height,
      layoutOptions: { 'elk.portConstraints': big ? 'UNDEFINED' : fixed ? 'FIXED_POS' : 'FIXED_ORDER' },
      ports: [
        { id: `${node.id}::in`, width: 0, height: 0, ...(fixed ? { x: 0, y: geometry.input!.y } : {}), layoutOptions: { 'elk.port.side': 'WEST' } },
        ...ports.map((port, i) => ({
          id: `${node.id}::${port}`,
          width: 0,
          height: 0,
          ...(fixed ? { x: size.width, y: geometry.ports![port].y } : {}),
          layoutOptions: { 'elk.port.side': 'EAST', 'elk.port.index': String(ports.length - i) },
        })),
      ],
    };
  });
  const known = new Set(definition.nodes.map((n) => n.id));
  const measure = input.measureLabel ?? estimateLabel;
  const edges: ElkExtendedEdge[] = definition.edges
    .filter((e) => known.has(e.source) && known.has(e.target))
    .map((edge) => {
      const port = effectivePort(definition, edge);
      const ports = input.portOrder(edge.source);
      const text = big ? undefined : input.labelOf?.(edge.id);
      return {
        id: edge.id,
        sources: [port && ports.includes(port) ? `${edge.source}::${port}` : edge.source],
        targets: [`${edge.target}::in`],
        ...(text ? { labels: [{ id: `${edge.id}::label`, text, ...measure(text) }] } : {}),
      };
    });
  return { id: 'root', layoutOptions: layoutOptions(definition.nodes.length), children, edges };
}

/** ELK's answer for a flow: where each step goes and how each edge runs there. */
export interface FlowLayout {
  positions: Record<string, Position>;
  /** Edge routes in ELK's coordinates, which are `positions` before rounding. */
  routes: Record<string, EdgeRoute>;
  /** The unrounded positions the routes belong to. */
  exact: Record<string, Point>;
}

/**
 * Lays a flow out with ELK: positions for every step and, for flows up to `ROUTED_UP_TO` steps,
 * each edge's orthogonal route and label box.
 * @example const { positions, routes } = await layoutDefinition(definition, { geometry, portOrder }, elk);
 */
export async function layoutDefinition(definition: WorkflowDefinition, input: LayoutInput, elk: ELK): Promise<FlowLayout> {
  const result = await elk.layout(toElkGraph(definition, input));
  const positions: Record<string, Position> = {};
  const exact: Record<string, Point> = {};
  for (const child of result.children ?? []) {
    exact[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
    positions[child.id] = { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) };
  }
  const routes: Record<string, EdgeRoute> = {};
  if (definition.nodes.length <= ROUTED_UP_TO) {
    for (const edge of result.edges ?? []) {
      const section = edge.sections?.[0];
      if (!section || edge.sections!.length > 1) continue;
      const label = edge.labels?.[0];
      routes[edge.id] = {
        points: [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p) => ({ x: p.x, y: p.y })),
        ...(label?.x !== undefined && label.y !== undefined
          ? { label: { x: label.x + (label.width ?? 0) / 2, y: label.y + (label.height ?? 0) / 2, width: label.width ?? 0, height: label.height ?? 0 } }
          : {}),
      };
    }
  }
  return { positions, routes, exact };
}
