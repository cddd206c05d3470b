import type { Heatmap, ReplayReport, WorkflowDefinition } from '@exflow/shared';

/** The value below which `q` of the sorted values lie (nearest rank), `null` for none. */
function quantile(values: number[], q: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/**
 * A what-if replay's runs as canvas heatmap figures, so the canvas shows per step how many
 * cases the draft (or the published version) would send there, how long its tasks would be
 * open and how many would miss the SLA the version gives them; per edge how often it is taken.
 * Nothing is open in a replay (`openNow` 0).
 * @example replayHeatmap(report, 'replayed', draft, { from, to }) // figures for setHeatmap
 */
export function replayHeatmap(
  report: ReplayReport,
  side: 'original' | 'replayed',
  definition: WorkflowDefinition & { id?: string },
  period: { from: string; to: string },
): Heatmap {
  const runs = report.cases.map((c) => c[side]);
  const counts = report.counts[side];
  return {
    definitionId: definition.id ?? definition.key,
    version: 0,
    period,
    nodes: Object.entries(counts.nodes).map(([nodeId, visits]) => {
      const stays = runs.flatMap((r) => r.tasks.filter((t) => t.nodeId === nodeId));
      const dwell = stays.flatMap((t) => (t.openedAt && t.closedAt ? [(Date.parse(t.closedAt) - Date.parse(t.openedAt)) / 1000] : []));
      const withSla = stays.filter((t) => t.dueAt && t.closedAt);
      return {
        nodeId,
        cases: runs.filter((r) => r.path.includes(nodeId)).length,
        visits,
        medianDwellSeconds: quantile(dwell, 0.5),
        p90DwellSeconds: quantile(dwell, 0.9),
        slaTasks: withSla.length,
        slaBreachShare: withSla.length ? withSla.filter((t) => t.late).length / withSla.length : null,
        openNow: 0,
      };
    }),
    edges: Object.entries(counts.edges).flatMap(([edgeId, count]) => {
      const edge = definition.edges.find((e) => e.id === edgeId);
      return edge ? [{ edgeId, source: edge.source, target: edge.target, count }] : [];
    }),
  };
}
