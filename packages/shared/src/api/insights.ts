import { Type, type Static } from '@sinclair/typebox';
import { Count, Id, List, Nullable, Timestamp } from './wire.js';

const Seconds = (description: string) => Nullable(Type.Number({ minimum: 0, maximum: 1e12, description }));
const Share = (description: string) => Nullable(Type.Number({ minimum: 0, maximum: 1, description }));

/**
 * The heatmap of one published version of a flow over a period (`GET
 * /insights/flows/:definitionId/versions/:version/heatmap`): per step, how many cases came
 * through, how long they stayed, how many of its tasks broke their SLA and how many cases wait
 * there now; per edge of the definition, how often cases took it.
 */
export const heatmapSchema = Type.Object({
  definitionId: Id(),
  version: Count(),
  period: Type.Object({ from: Timestamp(), to: Timestamp() }),
  nodes: List(
    Type.Object({
      nodeId: Id(),
      cases: Count('Cases that entered the step in the period'),
      visits: Count('Stays that began in the period (a case that came back counts again)'),
      medianDwellSeconds: Seconds('Median of left − entered over the stays that ended in the period'),
      p90DwellSeconds: Seconds('90th percentile of the same'),
      slaTasks: Count('Tasks of the step with a due time completed in the period'),
      slaBreachShare: Share('Of those, the share completed after their due time; null without any'),
      openNow: Count('Open cases (or cases in an incident) waiting in the step now'),
    }),
    2000,
  ),
  edges: List(
    Type.Object({
      edgeId: Id(),
      source: Id(),
      target: Id(),
      count: Count('Times cases took the edge on a move that began in the period'),
    }),
    4000,
  ),
});
export type Heatmap = Static<typeof heatmapSchema>;
