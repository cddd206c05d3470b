import type { WorkflowDefinition } from '@exflow/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
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
  const { t } = useTranslation();

  const definitionOf = async (choice: string) => (choice === DRAFT ? draft : loadVersion(Number(choice)));
  const labelOf = (choice: string) => (choice === DRAFT ? t('versions.draft') : `v${choice}`);
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
        <h4>{t('versions.compare')}</h4>
        <div className="compare-row">
          <select value={base} onChange={(e) => setBase(e.target.value)} aria-label={t('versions.compareFrom')}>
            {options.map((o) => (
              <option key={o} value={o}>
                {labelOf(o)}
              </option>
            ))}
          </select>
          <span aria-hidden>→</span>
          <select value={target} onChange={(e) => setTarget(e.target.value)} aria-label={t('versions.compareTo')}>
            {options.map((o) => (
              <option key={o} value={o}>
                {labelOf(o)}
              </option>
            ))}
          </select>
          <button type="button" className="btn btn--secondary" disabled={busy || base === target} onClick={() => compare(base, target)} data-testid="compare">
            {t('versions.showChanges')}
          </button>
        </div>
        {comparison && (
          <div className="diff-summary">
            <div>
              <strong>
                {comparison.baseLabel} → {comparison.targetLabel}
              </strong>
              {t('versions.counts', comparison.diff.counts)}
              {comparison.diff.moved.length > 0 && t('versions.moved', { count: comparison.diff.moved.length })}
            </div>
            <ul className="diff-list">
              {[
                ...Object.entries(comparison.diff.nodes).map(([id, k]) => ({ id, k, what: 'step' as const })),
                ...Object.entries(comparison.diff.edges).map(([id, k]) => ({ id, k, what: 'connection' as const })),
              ].map(({ id, k, what }) => (
                <li key={`${what}-${id}`} className={`diff-list__item diff-${k}`}>
                  <button type="button" onClick={() => store.getState().reveal(what === 'step' ? { nodeId: id } : { edgeId: id })} disabled={k === 'removed'}>
                    <span className="diff-list__kind">{t(`versions.${k}`)}</span> {t(`versions.${what}`)} <code>{id}</code>
                  </button>
                </li>
              ))}
            </ul>
            <button type="button" className="btn btn--ghost" onClick={() => store.getState().setComparison(null)}>
              {t('versions.back')}
            </button>
          </div>
        )}
        {failure && <div className="banner banner--error">{failure}</div>}
      </section>
      <section className="sim-section">
        <h4>{t('versions.published')}</h4>
        {versions.length === 0 ? (
          <p className="panel-intro">{t('versions.notYet')}</p>
        ) : (
          <ul className="version-list" data-testid="version-list">
            {versions.map((v) => (
              <li key={v.version}>
                <div>
                  <strong>v{v.version}</strong> {v.version === latest && <span className="chip chip--ok">{t('versions.latest')}</span>}
                  <div className="version-list__meta">
                    {dateTime(v.publishedAt)} · {v.publishedBy}
                  </div>
                </div>
                <div className="version-list__actions">
                  <button type="button" className="btn btn--ghost btn--small" onClick={() => compare(String(v.version), DRAFT)}>
                    {t('versions.diffWithDraft')}
                  </button>
                  <button
                    type="button"
                    className="btn btn--ghost btn--small"
                    onClick={async () => downloadJson(`${draft.key}.v${v.version}.workflow.json`, await loadVersion(v.version))}
                  >
                    {t('versions.export')}
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
        {versions.length > 1 && (
          <button type="button" className="btn btn--secondary" onClick={() => setMigrating(true)} data-testid="migrate-cases">
            {t('versions.migrate')}
          </button>
        )}
      </section>
      {migrating && <MigrationDialog definitionId={definitionId} versions={versions} loadVersion={loadVersion} onClose={() => setMigrating(false)} />}
    </div>
  );
}
