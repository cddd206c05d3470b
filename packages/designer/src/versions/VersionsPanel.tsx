import type { WorkflowDefinition } from '@exflow/shared';
import { useState } from 'react';
import type { VersionSummary } from '../api/client.js';
import { selectDefinition } from '../store/flowSlice.js';
import { selectComparison } from '../store/viewSlice.js';
import { useDesigner, useDesignerStore } from '../store/DesignerStoreProvider.js';
import { dateTime } from '../workspace/format.js';
import { diffDefinitions } from './diff.js';
import { downloadJson } from './download.js';
import { MigrationDialog } from './MigrationDialog.js';

const DRAFT = 'draft';

/** Published versions (immutable) and a visual diff between any two of them or the draft. */
export function VersionsPanel({
  definitionId,
  versions,
  loadVersion,
  error,
}: {
  definitionId: string;
  versions: VersionSummary[];
  loadVersion(version: number): Promise<WorkflowDefinition>;
  error?: string;
}) {
  const store = useDesignerStore();
  const draft = useDesigner(selectDefinition);
  const comparison = useDesigner(selectComparison);
  const latest = versions[0]?.version;
  const [base, setBase] = useState<string>(latest ? String(latest) : DRAFT);
  const [target, setTarget] = useState<string>(DRAFT);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [migrating, setMigrating] = useState(false);

  const definitionOf = async (choice: string) => (choice === DRAFT ? draft : loadVersion(Number(choice)));
  const labelOf = (choice: string) => (choice === DRAFT ? 'Draft' : `v${choice}`);
  const compare = async (from: string, to: string) => {
    setBusy(true);
    setFailure(null);
    try {
      const [a, b] = await Promise.all([definitionOf(from), definitionOf(to)]);
      store.getState().setComparison({ base: a, target: b, baseLabel: labelOf(from), targetLabel: labelOf(to), diff: diffDefinitions(a, b) });
      store.getState().clearSelection();
    } catch (e) {
      setFailure((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const options = [DRAFT, ...versions.map((v) => String(v.version))];
  return (
    <div className="versions" data-testid="versions-panel">
      {error && <div className="banner banner--error">{error}</div>}
      <section className="sim-section">
        <h4>Compare</h4>
        <div className="compare-row">
          <select value={base} onChange={(e) => setBase(e.target.value)} aria-label="Compare from">
            {options.map((o) => (
              <option key={o} value={o}>
                {labelOf(o)}
              </option>
            ))}
          </select>
          <span aria-hidden>→</span>
          <select value={target} onChange={(e) => setTarget(e.target.value)} aria-label="Compare to">
            {options.map((o) => (
              <option key={o} value={o}>
                {labelOf(o)}
              </option>
            ))}
          </select>
          <button type="button" className="btn btn--secondary" disabled={busy || base === target} onClick={() => compare(base, target)} data-testid="compare">
            Show changes
          </button>
        </div>
        {comparison && (
          <div className="diff-summary">
            <div>
              <strong>
                {comparison.baseLabel} → {comparison.targetLabel}
              </strong>
              : {comparison.diff.counts.added} added, {comparison.diff.counts.removed} removed, {comparison.diff.counts.changed} changed
              {comparison.diff.moved.length > 0 && `, ${comparison.diff.moved.length} moved`}
            </div>
            <ul className="diff-list">
              {[
                ...Object.entries(comparison.diff.nodes).map(([id, k]) => ({ id, k, what: 'step' })),
                ...Object.entries(comparison.diff.edges).map(([id, k]) => ({ id, k, what: 'connection' })),
              ].map(({ id, k, what }) => (
                <li key={`${what}-${id}`} className={`diff-list__item diff-${k}`}>
                  <button type="button" onClick={() => store.getState().reveal(what === 'step' ? { nodeId: id } : { edgeId: id })} disabled={k === 'removed'}>
                    <span className="diff-list__kind">{k}</span> {what} <code>{id}</code>
                  </button>
                </li>
              ))}
            </ul>
            <button type="button" className="btn btn--ghost" onClick={() => store.getState().setComparison(null)}>
              Back to editing
            </button>
          </div>
        )}
        {failure && <div className="banner banner--error">{failure}</div>}
      </section>
      <section className="sim-section">
        <h4>Published versions</h4>
        {versions.length === 0 ? (
          <p className="panel-intro">Not published yet. Publishing turns the draft into version 1; versions never change afterwards.</p>
        ) : (
          <ul className="version-list" data-testid="version-list">
            {versions.map((v) => (
              <li key={v.version}>
                <div>
                  <strong>v{v.version}</strong> {v.version === latest && <span className="chip chip--ok">latest</span>}
                  <div className="version-list__meta">
                    {dateTime(v.publishedAt)} · {v.publishedBy}
                  </div>
                </div>
                <div className="version-list__actions">
                  <button type="button" className="btn btn--ghost btn--small" onClick={() => compare(String(v.version), DRAFT)}>
                    Diff with draft
                  </button>
                  <button
                    type="button"
                    className="btn btn--ghost btn--small"
                    onClick={async () => downloadJson(`${draft.key}.v${v.version}.workflow.json`, await loadVersion(v.version))}
                  >
                    Export
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
        {versions.length > 1 && (
          <button type="button" className="btn btn--secondary" onClick={() => setMigrating(true)} data-testid="migrate-cases">
            Migrate running cases
          </button>
        )}
      </section>
      {migrating && <MigrationDialog definitionId={definitionId} versions={versions} loadVersion={loadVersion} onClose={() => setMigrating(false)} />}
    </div>
  );
}
