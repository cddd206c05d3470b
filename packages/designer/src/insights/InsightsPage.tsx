import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { loadSession } from '../auth/session.js';
import { dateTime } from '../workspace/format.js';
import { useLiveMessage } from '../workspace/live.js';
import { BarChart, type Bar } from './BarChart.js';
import { createInsightsApi, insightsQuery, type DrillCase, type InsightParams, type MetricRow, type SummaryRow } from './insightsApi.js';
import { PeriodPicker } from './PeriodPicker.js';
import { periodInstants, quickRange, type Period } from './period.js';
import { ProcessMiningExport } from './ProcessMiningExport.js';
import './insights.css';

const percent = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(v >= 0.1 || v === 0 ? 0 : 1)} %`);
function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** How each of the five metrics is shown: its tile, its chart's bars and how a figure reads. */
const METRICS: {
  id: string;
  title: string;
  help: string;
  /** Whether a higher value is better (the trend arrow's colour). */
  higherIsBetter: boolean;
  tile(row: SummaryRow): string;
  bar(row: MetricRow): number;
  format(v: number): string;
  label(row: MetricRow): string;
}[] = [
  {
    id: 'exceptionRate',
    title: 'Exception rate by source',
    help: 'Invoices with an exception ÷ invoices received, per channel',
    higherIsBetter: false,
    tile: (r) => percent(r.value),
    bar: (r) => r.value ?? 0,
    format: percent,
    label: (r) => `${r.bucket} · ${r.group}`,
  },
  {
    id: 'timeToResolve',
    title: 'Time to resolve',
    help: 'Median of closed − opened over exceptions closed (p90 in the tooltip)',
    higherIsBetter: false,
    tile: (r) => duration(r.value),
    bar: (r) => r.p50 ?? 0,
    format: (v) => duration(v),
    label: (r) => `${r.bucket}`,
  },
  {
    id: 'approvalAging',
    title: 'Approval aging',
    help: 'Open approval tasks by role and business unit, by age',
    higherIsBetter: false,
    tile: (r) => `${r.value ?? 0} open${r.olderThan7Days ? ` · ${r.olderThan7Days} > 7 d` : ''}`,
    bar: (r) => r.value ?? 0,
    format: (v) => `${v}`,
    label: (r) => `${r.group} · ${r.bucket}`,
  },
  {
    id: 'repeatExceptions',
    title: 'Repeat exceptions',
    help: 'Exceptions whose supplier and kind recurred within 90 days',
    higherIsBetter: false,
    tile: (r) => percent(r.value),
    bar: (r) => r.value ?? 0,
    format: percent,
    label: (r) => `${r.bucket}`,
  },
  {
    id: 'touchlessRate',
    title: 'Touchless rate',
    help: 'Invoices no person had to touch ÷ invoices received',
    higherIsBetter: true,
    tile: (r) => percent(r.value),
    bar: (r) => r.value ?? 0,
    format: percent,
    label: (r) => `${r.bucket}`,
  },
];

function Trend({ row, higherIsBetter }: { row: SummaryRow; higherIsBetter: boolean }) {
  if (row.metric === 'approvalAging') return <span className="ins-trend">now</span>;
  if (row.value === null || row.previous === null) return <span className="ins-trend">no previous figure</span>;
  const delta = row.value - row.previous;
  if (Math.abs(delta) < 1e-9) return <span className="ins-trend">= previous period</span>;
  const good = delta > 0 === higherIsBetter;
  const shown = row.unit === 'seconds' ? duration(Math.abs(delta)) : `${(Math.abs(delta) * 100).toFixed(1)} pts`;
  return (
    <span className={`ins-trend ${good ? 'is-good' : 'is-bad'}`}>
      {delta > 0 ? '▲' : '▼'} {shown} vs previous
    </span>
  );
}

/** Saves what `path` answers as a file named `name` (the browser's download). */
async function download(api: ReturnType<typeof createInsightsApi>, path: string, name: string, accept?: string) {
  const url = URL.createObjectURL(await api.file(path, accept));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Insights (`#/insights`): tiles for the five executive metrics with their trend against the
 * previous period, a chart per metric, drill-down from a bar to its cases, CSV export. Refreshes
 * when cases change (coalesced), over the workspace's socket.
 */
export function InsightsPage() {
  const api = useMemo(() => createInsightsApi({ getToken: () => loadSession()?.token ?? null }), []);
  const [period, setPeriod] = useState<Period>(() => quickRange('30d', new Date()));
  const [groupBy, setGroupBy] = useState<InsightParams['groupBy']>('week');
  const [businessUnit, setBusinessUnit] = useState('');
  const [channel, setChannel] = useState('');
  const [anchor, setAnchor] = useState(() => Date.now());
  const instants = useMemo(() => periodInstants(period), [period]);
  const params = useMemo<InsightParams | null>(
    () => ('problem' in instants ? null : { ...instants, groupBy, businessUnit: businessUnit || undefined, channel: channel || undefined }),
    [instants, groupBy, businessUnit, channel],
  );

  const [summary, setSummary] = useState<SummaryRow[] | null>(null);
  const [series, setSeries] = useState<Record<string, MetricRow[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [drill, setDrill] = useState<{ metric: string; bar: Bar; row: MetricRow; cases: DrillCase[] | null; invoiceIds: string[] } | null>(null);

  useEffect(() => {
    if (!params) return;
    let live = true;
    Promise.all([api.summary(params), ...METRICS.map((m) => api.metric(m.id, params))]).then(
      ([s, ...rows]) => {
        if (!live) return;
        setSummary(s.rows);
        setSeries(Object.fromEntries(METRICS.map((m, i) => [m.id, rows[i].rows])));
        setError(null);
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
    // anchor: a live refresh fetches the same period again
  }, [api, params, anchor]);

  // cases changing move the figures: refresh at most every two seconds
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refresh = useCallback(() => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      setAnchor(Date.now());
    }, 2000);
  }, []);
  useEffect(() => () => void (pending.current && clearTimeout(pending.current)), []);
  useLiveMessage('case.changed', refresh);

  const select = async (metric: string, bar: Bar, row: MetricRow) => {
    if (!params) return;
    setDrill({ metric, bar, row, cases: null, invoiceIds: [] });
    try {
      const found = await api.cases(metric, params, row.bucket, row.group);
      setDrill({ metric, bar, row, cases: found.rows, invoiceIds: found.invoiceIds });
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const stamp = new Date(anchor).toISOString().slice(0, 10);
  return (
    <div className="ins-page" data-testid="insights">
      <div className="ins-toolbar">
        <h1>Insights</h1>
        <PeriodPicker period={period} onChange={setPeriod} />
        <label>
          By{' '}
          <select value={groupBy} onChange={(e) => setGroupBy(e.target.value as InsightParams['groupBy'])} data-testid="ins-group-by">
            <option value="day">day</option>
            <option value="week">week</option>
            <option value="month">month</option>
          </select>
        </label>
        <label>
          Business unit <input value={businessUnit} onChange={(e) => setBusinessUnit(e.target.value)} placeholder="all" size={12} />
        </label>
        <label>
          Channel{' '}
          <select value={channel} onChange={(e) => setChannel(e.target.value)}>
            <option value="">all</option>
            {['api', 'portal', 'email', 'edi', 'ubl', 'csv'].map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn btn--ghost btn--small"
          disabled={!params}
          onClick={() => params && void download(api, `/insights/summary?${insightsQuery(params)}`, `insights-summary-${stamp}.csv`)}
        >
          Export summary CSV
        </button>
      </div>
      {'problem' in instants && (
        <p className="ins-error" role="alert" data-testid="ins-period-problem">
          {instants.problem}
        </p>
      )}
      {error && (
        <p className="ins-error" role="alert">
          {error}
        </p>
      )}
      <section className="ins-tiles" aria-label="The five executive metrics">
        {METRICS.map((m) => {
          const row = summary?.find((r) => r.metric === m.id);
          return (
            <div key={m.id} className="ins-tile" data-testid={`tile-${m.id}`} title={m.help}>
              <div className="ins-tile__title">{m.title}</div>
              <div className="ins-tile__value">{row ? m.tile(row) : '…'}</div>
              {row && <Trend row={row} higherIsBetter={m.higherIsBetter} />}
            </div>
          );
        })}
      </section>
      <div className="ins-grid">
        {METRICS.map((m) => {
          const rows = series[m.id] ?? [];
          const bars = rows.map((r) => ({
            key: `${r.bucket ?? ''}|${r.group}`,
            label: m.label(r),
            value: m.bar(r),
            description: `${m.title}, ${m.label(r)}: ${m.format(m.bar(r))}${r.denominator !== undefined ? ` (${r.numerator} of ${r.denominator})` : ''}${r.p90 != null ? `, p90 ${duration(r.p90)}` : ''}`,
          }));
          return (
            <section key={m.id} className="ws-card ins-card" data-testid={`chart-${m.id}`}>
              <header className="ins-card__head">
                <h2>{m.title}</h2>
                <button
                  type="button"
                  className="btn btn--ghost btn--small"
                  disabled={!params}
                  onClick={() => params && void download(api, `/insights/metrics/${m.id}?${insightsQuery(params)}`, `insights-${m.id}-${stamp}.csv`)}
                >
                  CSV
                </button>
              </header>
              <p className="ins-help">{m.help}</p>
              <BarChart
                title={m.title}
                bars={bars}
                scale={m.format === percent ? 1 : undefined}
                format={m.format}
                selected={drill?.metric === m.id ? drill.bar.key : undefined}
                onSelect={(bar) => void select(m.id, bar, rows[bars.indexOf(bar)])}
              />
            </section>
          );
        })}
      </div>
      <ProcessMiningExport
        query={params ? insightsQuery(params) : null}
        onExport={(path, name, accept) => download(api, path, name, accept).catch((e: Error) => setError(e.message))}
      />
      {drill && (
        <section className="ws-card" data-testid="drill" aria-live="polite">
          <header className="ins-card__head">
            <h2>Cases behind “{drill.bar.description}”</h2>
            <button
              type="button"
              className="btn btn--ghost btn--small"
              disabled={!params}
              onClick={() =>
                params &&
                void download(
                  api,
                  `/insights/cases?${insightsQuery({ ...params, metric: drill.metric, bucket: drill.row.bucket ?? '', group: drill.row.group })}`,
                  `insights-${drill.metric}-cases-${stamp}.csv`,
                )
              }
            >
              CSV
            </button>
          </header>
          {drill.cases === null ? (
            <p>Loading…</p>
          ) : drill.cases.length === 0 ? (
            <p className="ins-empty">{drill.invoiceIds.length ? `${drill.invoiceIds.length} invoices without a case.` : 'No cases.'}</p>
          ) : (
            <table className="ws-table">
              <thead>
                <tr>
                  <th>Case</th>
                  <th>Status</th>
                  <th>Opened</th>
                  <th>Closed</th>
                </tr>
              </thead>
              <tbody>
                {drill.cases.map((c) => (
                  <tr key={c.id} data-case-id={c.id}>
                    <td>
                      <a href={`#/cases/${encodeURIComponent(c.id)}`}>{c.id.slice(0, 8)}</a>
                    </td>
                    <td>{c.outcome ?? c.status}</td>
                    <td>{dateTime(c.openedAt)}</td>
                    <td>{dateTime(c.closedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </div>
  );
}
