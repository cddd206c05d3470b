import { EXCEPTION_KINDS } from '@exflow/shared';

/** SQL pieces the insights queries share: the raw SQL (insightsRepository.ts), the rollup (insightRollup.ts) and its metrics (rolledUpMetrics.ts). */

/** Positional SQL with its bindings, composed in order. */
export class Sql {
  readonly parts: string[] = [];
  readonly bindings: unknown[] = [];
  add(text: string, ...bindings: unknown[]): this {
    this.parts.push(text);
    this.bindings.push(...bindings);
    return this;
  }
  get text() {
    return this.parts.join('\n');
  }
}

const VALUE_AT_RISK = `'^-{0,1}[0-9]+([.][0-9]+){0,1}$'`; // no question marks: knex reads them as bindings

/**
 * The leading kind of the findings triage stored with an invoice (shared's `leadFindingKind`):
 * most money at risk, then most severe, then the riskiest kind, then the first.
 */
export const LEAD_FINDING_KIND = (findings: string) => `(SELECT f.value->>'kind'
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${findings}) = 'array' THEN ${findings} ELSE '[]'::jsonb END) WITH ORDINALITY AS f(value, ord)
    WHERE jsonb_typeof(f.value->'kind') = 'string'
    ORDER BY CASE WHEN f.value->>'valueAtRisk' ~ ${VALUE_AT_RISK} THEN (f.value->>'valueAtRisk')::numeric ELSE 0 END DESC,
      CASE f.value->>'severity' WHEN 'high' THEN 3 WHEN 'warning' THEN 2 WHEN 'info' THEN 1 ELSE 0 END DESC,
      coalesce(array_position(ARRAY[${EXCEPTION_KINDS.map((k) => `'${k}'`).join(', ')}]::text[], f.value->>'kind'), ${EXCEPTION_KINDS.length}), f.ord
    LIMIT 1)`;

/**
 * A case's exception kind (docs/insights.md, Facts): the leading kind of its invoice's findings,
 * else its first human task's kind, else the first finding any check kept in its context, else
 * `unclassified` when a person was asked anyway. Shared by the raw SQL and the rollup.
 */
export const CASE_EXCEPTION_KIND = (findingKind: string, c: string, taskKind: string, taskCount: string) =>
  `coalesce(${findingKind}, ${taskKind}, jsonb_path_query_first(${c}.snapshot, 'lax $.context.vars.*.findings[0].kind') #>> '{}',
     CASE WHEN ${taskCount} > 0 THEN 'unclassified' END)`;

/** A case's value at risk: the largest on its tasks, else the largest any check in its context reported. */
export const CASE_VALUE_AT_RISK = (c: string, taskVar: string) =>
  `coalesce(${taskVar}, (SELECT max((v.value->>'valueAtRisk')::numeric) FROM jsonb_each(
     CASE WHEN jsonb_typeof(${c}.snapshot #> '{context,vars}') = 'object' THEN ${c}.snapshot #> '{context,vars}' ELSE '{}'::jsonb END) v
     WHERE jsonb_typeof(v.value) = 'object' AND (v.value->>'valueAtRisk') ~ ${VALUE_AT_RISK}))`;
