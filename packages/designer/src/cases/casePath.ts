import { routeTaken, type CompiledFlow, type RecordedCaseEvent, type WorkflowDefinition } from '@exflow/shared';

export interface CasePath {
  /** Where the case stands now. */
  active: string[];
  visited: Set<string>;
  edges: Set<string>;
}

/**
 * The path a case took, for the canvas: its history replayed through the flow's compiled
 * machine (`routeTaken`, so decisions passed without stopping are on it), each step joined to
 * the nearest earlier step it has an edge from. Falls back to the nodes it stands in when the
 * history cannot be replayed.
 * @example casePath(definition, compiled, invoice, events, ['procurementReview'])
 */
export function casePath(
  definition: WorkflowDefinition,
  compiled: CompiledFlow | null,
  invoice: Record<string, unknown>,
  events: readonly RecordedCaseEvent[],
  activeNodes: readonly string[],
): CasePath {
  let route: string[] = [];
  if (compiled && events.length && events[0].type === 'case.started') {
    try {
      route = routeTaken(compiled, invoice, events);
    } catch {
      route = [];
    }
  }
  if (!route.length) route = [...activeNodes];
  const edges = new Set<string>();
  route.forEach((target, i) => {
    for (let j = i - 1; j >= 0; j--) {
      const edge = definition.edges.find((e) => e.source === route[j] && e.target === target);
      if (edge) {
        edges.add(edge.id);
        break;
      }
    }
  });
  return { active: [...activeNodes], visited: new Set(route), edges };
}
