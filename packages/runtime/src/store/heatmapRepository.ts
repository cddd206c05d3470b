import type { StepTransition } from '@exflow/shared';
import type { Db } from './db.js';
import { stepStays } from './insightsRepository.js';

/**
 * The figures of the designer's heatmap for one published version, in SQL on the step stays
 * the metrics use (`stepStays`): per step, cases and stays that began in the period, dwell of
 * the stays that ended in it, SLA breaches of its tasks completed in it, and open cases waiting
 * there now; and the moves between steps that began in the period. One tenant's rows only.
 */

export interface StepFigures {
  nodeId: string;
  cases: number;
  visits: number;
  medianDwellSeconds: number | null;
  p90DwellSeconds: number | null;
  slaTasks: number;
  slaBreachShare: number | null;
  openNow: number;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const DWELL = `extract(epoch FROM (date_trunc('milliseconds', sv.left_at) - date_trunc('milliseconds', sv.entered_at)))::float8`;

export function createHeatmapRepository(db: Db) {
  return {
    async figures(
      tenantId: string,
      flow: { definitionId: string; version: number },
      period: { from: string; to: string },
    ): Promise<{ nodes: StepFigures[]; transitions: StepTransition[] }> {
      const cs = `cs AS (SELECT id, status, active_nodes FROM cases WHERE tenant_id = ? AND definition_id = ? AND definition_version = ?)`;
      const scope = [tenantId, flow.definitionId, flow.version, tenantId];
      const within = (column: string) => `${column} >= ?::timestamptz AND ${column} < ?::timestamptz`;
      const p = [period.from, period.to];
      const stays = `WITH ${cs}, ${stepStays('AND a.case_id IN (SELECT id FROM cs)')}`;
      const nodes = (
        await db.raw(
          `${stays},
           st AS (
             SELECT sv.node_id, count(DISTINCT sv.case_id) FILTER (WHERE ${within('sv.entered_at')})::int AS cases,
               count(*) FILTER (WHERE ${within('sv.entered_at')})::int AS visits,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY ${DWELL}) FILTER (WHERE sv.left_at IS NOT NULL AND ${within('sv.left_at')}) AS p50,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY ${DWELL}) FILTER (WHERE sv.left_at IS NOT NULL AND ${within('sv.left_at')}) AS p90
             FROM sv GROUP BY sv.node_id),
           sla AS (
             SELECT t.node_id, count(*)::int AS tasks, count(*) FILTER (WHERE t.completed_at > t.due_at)::int AS late
             FROM tasks t WHERE t.tenant_id = ? AND t.case_id IN (SELECT id FROM cs) AND t.status = 'completed' AND t.due_at IS NOT NULL
               AND ${within('t.completed_at')}
             GROUP BY t.node_id),
           waiting AS (
             SELECT n.node AS node_id, count(*)::int AS open_now FROM cs CROSS JOIN LATERAL jsonb_array_elements_text(
               CASE WHEN jsonb_typeof(cs.active_nodes) = 'array' THEN cs.active_nodes ELSE '[]'::jsonb END) AS n(node)
             WHERE cs.status IN ('open', 'incident') GROUP BY n.node)
           SELECT coalesce(st.node_id, sla.node_id, waiting.node_id) AS node_id, coalesce(st.cases, 0) AS cases, coalesce(st.visits, 0) AS visits,
             st.p50, st.p90, coalesce(sla.tasks, 0) AS sla_tasks, CASE WHEN sla.tasks > 0 THEN sla.late::float8 / sla.tasks END AS sla_share,
             coalesce(waiting.open_now, 0) AS open_now
           FROM st FULL JOIN sla ON sla.node_id = st.node_id FULL JOIN waiting ON waiting.node_id = coalesce(st.node_id, sla.node_id)
           ORDER BY 1`,
          [...scope, ...p, ...p, ...p, ...p, tenantId, ...p],
        )
      ).rows as Record<string, unknown>[];
      const moves = (
        await db.raw(
          `${stays}
           SELECT a.node_id AS source, b.node_id AS target, count(*)::int AS count
           FROM sv b LEFT JOIN sv a ON a.case_id = b.case_id AND a.left_v = b.entered_v AND a.node_id <> b.node_id
           WHERE ${within('b.entered_at')}
           GROUP BY 1, 2 ORDER BY 1, 2`,
          [...scope, ...p],
        )
      ).rows as { source: string | null; target: string; count: number }[];
      return {
        nodes: nodes.map((r) => ({
          nodeId: String(r.node_id),
          cases: Number(r.cases),
          visits: Number(r.visits),
          medianDwellSeconds: num(r.p50),
          p90DwellSeconds: num(r.p90),
          slaTasks: Number(r.sla_tasks),
          slaBreachShare: num(r.sla_share),
          openNow: Number(r.open_now),
        })),
        transitions: moves.map((m) => ({ source: m.source, target: m.target, count: Number(m.count) })),
      };
    },
  };
}
