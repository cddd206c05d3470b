import type { ReplayReport } from '@exflow/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeApiError } from '../api/client.js';
import { outcomeLabel } from '../i18n/designerText.js';
import { selectDefinition } from '../store/flowSlice.js';
import { useDesigner, useDesignerStore } from '../store/DesignerStoreProvider.js';
import { replayHeatmap } from './replayHeatmap.js';

const DAY_MS = 86_400_000;
const dateOnly = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A duration for people: "3 h 20 min", "45 s"; "—" when the run did not end. */
function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.round(ms / 1000)} s`;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return [days && `${days} d`, hours && `${hours} h`, rest && `${rest} min`].filter(Boolean).join(' ');
}

/**
 * What-if replay: the flow's cases closed in a period, run through the saved draft from their
 * recorded answers and times (`POST /definitions/:id/replay`). Shows runs per step and per path
 * for both versions with their median durations, late tasks under each SLA, and the cases that
 * would go differently with their durations; clicking a path or a case selects it on the canvas.
 * Nothing is written.
 */
export function ReplayPanel({ runReplay }: { runReplay(body: { from: string; to: string }): Promise<ReplayReport> }) {
  const store = useDesignerStore();
  const definition = useDesigner(selectDefinition);
  const [from, setFrom] = useState(() => dateOnly(Date.now() - 30 * DAY_MS));
  const [to, setTo] = useState(() => dateOnly(Date.now() + DAY_MS));
  const [report, setReport] = useState<ReplayReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const { t } = useTranslation();

  const run = async () => {
    setBusy(true);
    setFailure(null);
    try {
      setReport(await runReplay({ from: `${from}T00:00:00Z`, to: `${to}T00:00:00Z` }));
    } catch (e) {
      setFailure(describeApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const nameOf = (id: string) => definition.nodes.find((n) => n.id === id)?.label ?? id;
  const steps = report ? [...new Set([...Object.keys(report.counts.original.nodes), ...Object.keys(report.counts.replayed.nodes)])] : [];
  const differing = report?.cases.filter((c) => c.pathDiffers || c.outcomeDiffers || c.queuesDiffer || c.replayed.stopped) ?? [];
  const pathKey = (path: string[]) => path.join('>');
  const paths = report ? [...new Set([...report.paths.original, ...report.paths.replayed].map((p) => pathKey(p.path)))] : [];
  const pathOf = (list: ReplayReport['paths']['original'], key: string) => list.find((p) => pathKey(p.path) === key);
  const selectPath = (path: string[]) =>
    store.getState().select({
      nodeIds: path.filter((id) => definition.nodes.some((n) => n.id === id)),
      edgeIds: definition.edges.filter((e) => path.some((id, i) => i > 0 && path[i - 1] === e.source && id === e.target)).map((e) => e.id),
    });

  return (
    <div className="replay" data-testid="replay-panel">
      <p>{t('replay.intro')}</p>
      <label>
        {t('replay.from')} <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label>
        {t('replay.to')} <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
      <button type="button" className="button" disabled={busy} onClick={() => void run()}>
        {busy ? t('replay.running') : t('replay.run')}
      </button>
      {failure && <div className="banner banner--error">{failure}</div>}
      {report && (
        <>
          <p data-testid="replay-summary">
            {t('replay.summary', {
              count: report.total,
              path: report.pathDiffers,
              outcome: report.outcomeDiffers,
              queues: report.queuesDiffer,
              stopped: report.stopped,
              times: report.timesDiffer,
              lateBefore: report.late.original,
              lateAfter: report.late.replayed,
            })}
          </p>
          <button
            type="button"
            className="button button--small"
            data-testid="replay-on-canvas"
            onClick={() =>
              store.getState().setHeatmap({
                definition,
                figures: replayHeatmap(report, 'replayed', definition, { from: `${from}T00:00:00Z`, to: `${to}T00:00:00Z` }),
                label: t('replay.draftReplayed'),
              })
            }
          >
            {t('replay.onCanvas')}
          </button>
          <table className="replay__paths" data-testid="replay-paths">
            <thead>
              <tr>
                <th>{t('replay.path')}</th>
                <th>{t('replay.publishedTimes')}</th>
                <th>{t('replay.draftTimes')}</th>
              </tr>
            </thead>
            <tbody>
              {paths.map((key) => {
                const before = pathOf(report.paths.original, key);
                const after = pathOf(report.paths.replayed, key);
                return (
                  <tr key={key} onClick={() => selectPath(key.split('>'))}>
                    <td>{key.split('>').map(nameOf).join(' → ')}</td>
                    <td>{before ? `${before.cases}, ${formatDuration(before.medianMs)}` : '0'}</td>
                    <td>{after ? `${after.cases}, ${formatDuration(after.medianMs)}` : '0'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <table className="replay__counts">
            <thead>
              <tr>
                <th>{t('replay.step')}</th>
                <th>{t('replay.published')}</th>
                <th>{t('replay.draft')}</th>
              </tr>
            </thead>
            <tbody>
              {steps.map((id) => (
                <tr key={id} onClick={() => store.getState().reveal({ nodeId: id })}>
                  <td>{nameOf(id)}</td>
                  <td>{report.counts.original.nodes[id] ?? 0}</td>
                  <td>{report.counts.replayed.nodes[id] ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <ul className="replay__cases">
            {differing.map((c) => (
              <li key={c.caseId}>
                <button
                  type="button"
                  onClick={() =>
                    store.getState().select({ nodeIds: c.replayed.path.filter((id) => definition.nodes.some((n) => n.id === id)), edgeIds: c.replayed.edges })
                  }
                >
                  {t('replay.caseLine', {
                    id: c.caseId,
                    before: c.original.outcome ? outcomeLabel(c.original.outcome) : t('replay.open'),
                    beforeTime: formatDuration(c.original.durationMs),
                    after: c.replayed.stopped ?? (c.replayed.outcome ? outcomeLabel(c.replayed.outcome) : t('replay.open')),
                  })}
                  {c.replayed.durationMs !== null && t('replay.inTime', { time: formatDuration(c.replayed.durationMs) })}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
