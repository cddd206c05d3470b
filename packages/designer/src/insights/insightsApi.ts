import type { DrillAnswer, DrillCase, MetricAnswer, MetricFigure, SummaryAnswer, SummaryRow } from '@exflow/shared';
import { apiErrorOf, unreachableError, type ApiClientOptions } from '../api/client.js';

// Insights answers: the wire types declared in shared (schemas the routes answer with).
/** One figure of a metric, as `GET /insights/metrics/:metric` answers it. */
export type MetricRow = MetricFigure;
export type { SummaryRow, DrillCase };

export interface InsightParams {
  [extra: string]: string | undefined;
  from: string;
  to: string;
  groupBy: 'day' | 'week' | 'month';
  businessUnit?: string;
  channel?: string;
}

export const insightsQuery = (params: InsightParams & { [extra: string]: string | undefined }) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  return q.toString();
};

/** The Insights REST calls, with the session's bearer token; CSV and exports come back as a Blob to save. */
export function createInsightsApi(options: ApiClientOptions) {
  const base = options.baseUrl ?? '/api/v1';
  async function send(path: string, accept: string): Promise<Response> {
    const token = options.getToken();
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { headers: { Accept: accept, ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
    } catch (cause) {
      throw unreachableError(cause);
    }
    if (response.status === 401) options.onUnauthorized?.();
    if (!response.ok) throw await apiErrorOf(response);
    return response;
  }
  const json = async <T>(path: string) => (await (await send(path, 'application/json')).json()) as T;
  return {
    summary: (p: InsightParams) => json<SummaryAnswer>(`/insights/summary?${insightsQuery(p)}`),
    metric: (metric: string, p: InsightParams) => json<MetricAnswer>(`/insights/metrics/${metric}?${insightsQuery(p)}`),
    cases: (metric: string, p: InsightParams, bucket: string | null, group: string) =>
      json<DrillAnswer>(`/insights/cases?${insightsQuery({ ...p, metric, bucket: bucket ?? '', group })}`),
    /** A file to save: CSV of a table, or a process-mining export (OCEL JSON, OCEL SQLite, XES). */
    file: async (path: string, accept = 'text/csv') => (await send(path, accept)).blob(),
  };
}
