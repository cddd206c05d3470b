import type { ReplayReport } from '@exflow/shared';
import { useState } from 'react';
import { describeApiError } from '../api/client.js';
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
      <p>Run the cases closed in a period through the saved draft, from their recorded answers. Nothing is written.</p>
      <label>
        From <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label>
        To <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
      <button type="button" className="button" disabled={busy} onClick={() => void run()}>
        {busy ? 'Replaying…' : 'Replay'}
      </button>
      {failure && <div className="banner banner--error">{failure}</div>}
      {report && (
        <>
          <p data-testid="replay-summary">
            {report.total} case{report.total === 1 ? '' : 's'}: {report.pathDiffers} take another path, {report.outcomeDiffers} end differently,{' '}
            {report.queuesDiffer} use other queues, {report.stopped} stop for want of a recorded answer, {report.timesDiffer} have other SLA due times or
            durations. Late tasks: {report.late.original} published, {report.late.replayed} draft.
          </p>
          <button
            type="button"
            className="button button--small"
            data-testid="replay-on-canvas"
            onClick={() =>
              store.getState().setHeatmap({
                definition,
                figures: replayHeatmap(report, 'replayed', definition, { from: `${from}T00:00:00Z`, to: `${to}T00:00:00Z` }),
                label: 'the draft, replayed',
              })
            }
          >
            Show the draft's counts and times on the canvas
          </button>
          <table className="replay__paths" data-testid="replay-paths">
            <thead>
              <tr>
                <th>Path</th>
                <th>Published: cases, median time</th>
                <th>Draft: cases, median time</th>
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
                <th>Step</th>
                <th>Published</th>
                <th>Draft</th>
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
                  {c.caseId}: {c.original.outcome ?? 'open'} in {formatDuration(c.original.durationMs)} → {c.replayed.stopped ?? c.replayed.outcome ?? 'open'}
                  {c.replayed.durationMs !== null && ` in ${formatDuration(c.replayed.durationMs)}`}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
