import type { TFunction } from 'i18next';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeApiError } from '../api/client.js';
import { loadSession } from '../auth/session.js';
import { calendarDate, dateTime, decimal, percent } from '../workspace/format.js';
import { useLiveMessage } from '../workspace/live.js';
import { BarChart, type Bar } from './BarChart.js';
import { createInsightsApi, insightsQuery, type DrillCase, type InsightParams, type MetricRow, type SummaryRow } from './insightsApi.js';
import { PeriodPicker } from './PeriodPicker.js';
import { periodInstants, quickRange, type Period } from './period.js';
import { ProcessMiningExport } from './ProcessMiningExport.js';
import './insights.css';

type T = TFunction;
const share = (v: number | null) => percent(v, v !== null && (v >= 0.1 || v === 0) ? 0 : 1);
/** "12 min", "3.5 h", "2.5 d" (the units in the user's language). */
function duration(seconds: number | null, t: T): string {
  if (seconds === null) return '—';
  if (seconds < 3600) return `${decimal(Math.round(seconds / 60))} ${t('sla.minute')}`;
  if (seconds < 2 * 86_400) return `${decimal(seconds / 3600, 1)} ${t('sla.hour')}`;
  return `${decimal(seconds / 86_400, 1)} ${t('sla.day')}`;
}

const AGE_BUCKETS: Record<string, 'upTo2' | 'upTo7' | 'upTo30' | 'over30'> = { '0-2d': 'upTo2', '3-7d': 'upTo7', '8-30d': 'upTo30', '>30d': 'over30' };
/** A bucket as the user reads it: a day in their locale, an age in their words. */
function bucketLabel(bucket: string | null, t: T): string {
  if (bucket === null || bucket === 'all') return t('insights.all');
  if (/^\d{4}-\d{2}-\d{2}$/.test(bucket)) return calendarDate(bucket);
  const age = AGE_BUCKETS[bucket];
  return age ? t(`insights.age.${age}`) : bucket;
}
/** A group: "all" and the server's "(none)" in the user's words, "controller / (none)" too. */
const groupLabel = (group: string, t: T) => (group === 'all' ? t('insights.all') : group.replace('(none)', t('insights.noneGroup')));

const CHANNELS = ['api', 'portal', 'email', 'edi', 'ubl', 'csv'] as const;
const isChannel = (group: string): group is (typeof CHANNELS)[number] => (CHANNELS as readonly string[]).includes(group);
const CASE_STATUSES = ['open', 'incident', 'resolved', 'rejected', 'cancelled', 'failed'] as const;
const caseStatus = (status: string, t: T) =>
  (CASE_STATUSES as readonly string[]).includes(status) ? t(`insights.caseStatus.${status as (typeof CASE_STATUSES)[number]}`) : status;

type MetricId = 'exceptionRate' | 'timeToResolve' | 'approvalAging' | 'repeatExceptions' | 'touchlessRate';

/** How each of the five metrics is shown: its tile, its chart's bars and how a figure reads (its title and help are `insights.metric.<id>`). */
const METRICS: {
  id: MetricId;
  /** Whether a higher value is better (the trend arrow's colour). */
  higherIsBetter: boolean;
  /** A share of 1 fills the bar (rates); else the largest bar does. */
  rate: boolean;
  tile(row: SummaryRow, t: T): string;
  bar(row: MetricRow): number;
  format(v: number, t: T): string;
  label(row: MetricRow, t: T): string;
}[] = [
  {
    id: 'exceptionRate',
    higherIsBetter: false,
    rate: true,
    tile: (r) => share(r.value),
    bar: (r) => r.value ?? 0,
    format: share,
    label: (r, t) => `${bucketLabel(r.bucket, t)} · ${isChannel(r.group) ? t(`insights.channels.${r.group}`) : groupLabel(r.group, t)}`,
  },
  {
    id: 'timeToResolve',
    higherIsBetter: false,
    rate: false,
    tile: (r, t) => duration(r.value, t),
    bar: (r) => r.p50 ?? 0,
    format: (v, t) => duration(v, t),
    label: (r, t) => bucketLabel(r.bucket, t),
  },
  {
    id: 'approvalAging',
    higherIsBetter: false,
    rate: false,
    tile: (r, t) =>
      `${t('insights.openTasks', { count: r.value ?? 0 })}${r.olderThan7Days ? ` · ${t('insights.olderThan7Days', { count: r.olderThan7Days })}` : ''}`,
    bar: (r) => r.value ?? 0,
    format: (v) => decimal(v),
    label: (r, t) => `${groupLabel(r.group, t)} · ${bucketLabel(r.bucket, t)}`,
  },
  {
    id: 'repeatExceptions',
    higherIsBetter: false,
    rate: true,
    tile: (r) => share(r.value),
    bar: (r) => r.value ?? 0,
    format: share,
    label: (r, t) => bucketLabel(r.bucket, t),
  },
  {
    id: 'touchlessRate',
    higherIsBetter: true,
    rate: true,
    tile: (r) => share(r.value),
    bar: (r) => r.value ?? 0,
    format: share,
    label: (r, t) => bucketLabel(r.bucket, t),
  },
];

function Trend({ row, higherIsBetter }: { row: SummaryRow; higherIsBetter: boolean }) {
  const { t } = useTranslation();
  if (row.metric === 'approvalAging') return <span className="ins-trend">{t('insights.now')}</span>;
  if (row.value === null || row.previous === null) return <span className="ins-trend">{t('insights.noPrevious')}</span>;
  const delta = row.value - row.previous;
  if (Math.abs(delta) < 1e-9) return <span className="ins-trend">{t('insights.samePrevious')}</span>;
  const good = delta > 0 === higherIsBetter;
  const shown = row.unit === 'seconds' ? duration(Math.abs(delta), t) : t('insights.points', { value: decimal(Math.abs(delta) * 100, 1) });
  return <span className={`ins-trend ${good ? 'is-good' : 'is-bad'}`}>{t('insights.vsPrevious', { change: `${delta > 0 ? '▲' : '▼'} ${shown}` })}</span>;
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
  const { t } = useTranslation();
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
      (e: unknown) => live && setError(describeApiError(e)),
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
      setError(describeApiError(e));
    }
  };

  const stamp = new Date(anchor).toISOString().slice(0, 10);
  return (
    <div className="ins-page" data-testid="insights">
      <div className="ins-toolbar">
        <h1>{t('insights.title')}</h1>
        <PeriodPicker period={period} onChange={setPeriod} />
        <label>
          {t('insights.by')}{' '}
          <select value={groupBy} onChange={(e) => setGroupBy(e.target.value as InsightParams['groupBy'])} data-testid="ins-group-by">
            {(['day', 'week', 'month'] as const).map((g) => (
              <option key={g} value={g}>
                {t(`insights.groupBy.${g}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('insights.businessUnit')}{' '}
          <input value={businessUnit} onChange={(e) => setBusinessUnit(e.target.value)} placeholder={t('insights.all')} size={12} />
        </label>
        <label>
          {t('insights.channel')}{' '}
          <select value={channel} onChange={(e) => setChannel(e.target.value)}>
            <option value="">{t('insights.all')}</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`insights.channels.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn btn--ghost btn--small"
          disabled={!params}
          onClick={() => params && void download(api, `/insights/summary?${insightsQuery(params)}`, `insights-summary-${stamp}.csv`)}
        >
          {t('insights.exportSummary')}
        </button>
      </div>
      {'problem' in instants && (
        <p className="ins-error" role="alert" data-testid="ins-period-problem">
          {t(`period.${instants.problem}`)}
        </p>
      )}
      {error && (
        <p className="ins-error" role="alert">
          {error}
        </p>
      )}
      <section className="ins-tiles" aria-label={t('insights.tiles')}>
        {METRICS.map((m) => {
          const row = summary?.find((r) => r.metric === m.id);
          return (
            <div key={m.id} className="ins-tile" data-testid={`tile-${m.id}`} title={t(`insights.metric.${m.id}.help`)}>
              <div className="ins-tile__title">{t(`insights.metric.${m.id}.title`)}</div>
              <div className="ins-tile__value">{row ? m.tile(row, t) : '…'}</div>
              {row && <Trend row={row} higherIsBetter={m.higherIsBetter} />}
            </div>
          );
        })}
      </section>
      <div className="ins-grid">
        {METRICS.map((m) => {
          const rows = series[m.id] ?? [];
          const title = t(`insights.metric.${m.id}.title`);
          const format = (v: number) => m.format(v, t);
          const bars = rows.map((r) => ({
            key: `${r.bucket ?? ''}|${r.group}`,
            label: m.label(r, t),
            value: m.bar(r),
            description: `${title}, ${m.label(r, t)}: ${format(m.bar(r))}${r.denominator !== undefined ? ` ${t('insights.ofTotal', { numerator: decimal(r.numerator), denominator: decimal(r.denominator) })}` : ''}${r.p90 != null ? `, ${t('insights.p90', { duration: duration(r.p90, t) })}` : ''}`,
          }));
          return (
            <section key={m.id} className="ws-card ins-card" data-testid={`chart-${m.id}`}>
              <header className="ins-card__head">
                <h2>{title}</h2>
                <button
                  type="button"
                  className="btn btn--ghost btn--small"
                  aria-label={t('insights.csvOf', { what: title })}
                  disabled={!params}
                  onClick={() => params && void download(api, `/insights/metrics/${m.id}?${insightsQuery(params)}`, `insights-${m.id}-${stamp}.csv`)}
                >
                  {t('insights.csv')}
                </button>
              </header>
              <p className="ins-help">{t(`insights.metric.${m.id}.help`)}</p>
              <BarChart
                title={title}
                bars={bars}
                scale={m.rate ? 1 : undefined}
                format={format}
                selected={drill?.metric === m.id ? drill.bar.key : undefined}
                onSelect={(bar) => void select(m.id, bar, rows[bars.indexOf(bar)])}
              />
            </section>
          );
        })}
      </div>
      <ProcessMiningExport
        query={params ? insightsQuery(params) : null}
        onExport={(path, name, accept) => download(api, path, name, accept).catch((e: unknown) => setError(describeApiError(e)))}
      />
      {drill && (
        <section className="ws-card" data-testid="drill" aria-live="polite">
          <header className="ins-card__head">
            <h2>{t('insights.casesBehind', { what: drill.bar.description })}</h2>
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
              {t('insights.csv')}
            </button>
          </header>
          {drill.cases === null ? (
            <p>{t('common.loading')}</p>
          ) : drill.cases.length === 0 ? (
            <p className="ins-empty">
              {drill.invoiceIds.length ? t('insights.invoicesWithoutCase', { count: drill.invoiceIds.length }) : t('insights.noCases')}
            </p>
          ) : (
            <table className="ws-table">
              <thead>
                <tr>
                  <th>{t('insights.case')}</th>
                  <th>{t('insights.status')}</th>
                  <th>{t('insights.opened')}</th>
                  <th>{t('insights.closed')}</th>
                </tr>
              </thead>
              <tbody>
                {drill.cases.map((c) => (
                  <tr key={c.id} data-case-id={c.id}>
                    <td>
                      <a href={`#/cases/${encodeURIComponent(c.id)}`}>{c.id.slice(0, 8)}</a>
                    </td>
                    <td>{caseStatus(c.outcome ?? c.status, t)}</td>
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
