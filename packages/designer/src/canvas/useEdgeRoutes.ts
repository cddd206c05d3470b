import type { WorkflowDefinition } from '@exflow/shared';
import { useReactFlow } from '@xyflow/react';
import { useEffect, useMemo, useState } from 'react';
import type { StepEdge, StepNode } from './derive.js';
import { placeRoutes, type EdgeRoute, type Point } from './edgePath.js';
import { getElk } from './elk.js';
import { layoutInputFor, layoutKey } from './flowGeometry.js';
import { layoutDefinition, ROUTED_UP_TO } from './layout.js';

const NONE: ReadonlyMap<string, EdgeRoute> = new Map();

/**
 * ELK's orthogonal edge routes and label boxes for the flow on the canvas. ELK lays the flow
 * out again (in its worker) when steps, edges, labels or measured sizes change, never when a
 * step only moves; an edge keeps ELK's route while both its steps sit where ELK placed them.
 */
export function useEdgeRoutes(definition: WorkflowDefinition, measured: ReadonlyMap<string, unknown>): ReadonlyMap<string, EdgeRoute> {
  const flow = useReactFlow<StepNode, StepEdge>();
  const [layout, setLayout] = useState<{ key: string; routes: Record<string, EdgeRoute>; exact: Record<string, Point> } | null>(null);

  useEffect(() => {
    const { nodes } = definition;
    if (nodes.length === 0 || nodes.length > ROUTED_UP_TO || !nodes.every((n) => measured.has(n.id))) return;
    const input = layoutInputFor(flow, definition);
    const key = layoutKey(definition, input);
    if (key === layout?.key) return;
    let live = true;
    const timer = setTimeout(() => {
      void getElk()
        .then((elk) => layoutDefinition(definition, input, elk))
        .then(({ routes, exact }) => {
          if (!live) return;
          setLayout({ key, routes, exact });
          performance.mark('exflow:edges-routed');
        });
    }, 60);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [definition, measured, flow, layout?.key]);

  return useMemo(() => {
    if (!layout) return NONE;
    const positions = new Map(definition.nodes.filter((n) => n.position).map((n) => [n.id, n.position!]));
    return placeRoutes(layout.routes, layout.exact, positions, definition.edges);
  }, [layout, definition]);
}
