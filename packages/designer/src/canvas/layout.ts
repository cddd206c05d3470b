import type { Position, WorkflowDefinition } from '@exflow/shared';
import type { ELK, ElkNode } from 'elkjs/lib/elk-api.js';
import { effectivePort } from '../store/definitionOps.js';

export const DEFAULT_STEP_SIZE = { width: 200, height: 96 };

/**
 * ELK options: layered left to right, ports in declared order. Past a few hundred steps the
 * cheaper placement keeps a 1,000-step flow to about a second (measured by bench/render.ts).
 */
export function layoutOptions(nodeCount: number): Record<string, string> {
  const big = nodeCount > 300;
  return {
    'elk.algorithm': 'layered',
    'elk.direction': 'RIGHT',
    'elk.spacing.nodeNode': '48',
    'elk.layered.spacing.nodeNodeBetweenLayers': '72',
    'elk.layered.spacing.edgeNodeBetweenLayers': '24',
    'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    ...(big
      ? {
          'elk.edgeRouting': 'POLYLINE',
          'elk.layered.thoroughness': '1',
          'elk.layered.crossingMinimization.greedySwitch.type': 'OFF',
          'elk.layered.nodePlacement.strategy': 'SIMPLE',
          'elk.portConstraints': 'UNDEFINED',
        }
      : { 'elk.edgeRouting': 'ORTHOGONAL', 'elk.portConstraints': 'FIXED_ORDER', 'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF' }),
  };
}

/** The ELK graph of a definition: one node per step, one port per output, in the catalogue's order. */
export function toElkGraph(
  definition: WorkflowDefinition,
  sizes: ReadonlyMap<string, { width: number; height: number }>,
  portOrder: (nodeId: string) => string[],
): ElkNode {
  const children: ElkNode[] = definition.nodes.map((node) => {
    const size = sizes.get(node.id) ?? DEFAULT_STEP_SIZE;
    const ports = portOrder(node.id);
    return {
      id: node.id,
      width: size.width,
      height: size.height,
      ports: [
        { id: `${node.id}::in`, layoutOptions: { 'elk.port.side': 'WEST' } },
        ...ports.map((port, i) => ({ id: `${node.id}::${port}`, layoutOptions: { 'elk.port.side': 'EAST', 'elk.port.index': String(ports.length - i) } })),
      ],
    };
  });
  const known = new Set(definition.nodes.map((n) => n.id));
  const edges = definition.edges
    .filter((e) => known.has(e.source) && known.has(e.target))
    .map((edge) => {
      const port = effectivePort(definition, edge);
      const ports = portOrder(edge.source);
      return { id: edge.id, sources: [port && ports.includes(port) ? `${edge.source}::${port}` : edge.source], targets: [`${edge.target}::in`] };
    });
  return { id: 'root', layoutOptions: layoutOptions(definition.nodes.length), children, edges };
}

/**
 * Positions for every step, laid out by ELK. The caller applies them as one undoable change.
 * @example const positions = await layoutDefinition(definition, sizes, ports, elk);
 */
export async function layoutDefinition(
  definition: WorkflowDefinition,
  sizes: ReadonlyMap<string, { width: number; height: number }>,
  portOrder: (nodeId: string) => string[],
  elk: ELK,
): Promise<Record<string, Position>> {
  const result = await elk.layout(toElkGraph(definition, sizes, portOrder));
  const positions: Record<string, Position> = {};
  for (const child of result.children ?? []) positions[child.id] = { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) };
  return positions;
}
