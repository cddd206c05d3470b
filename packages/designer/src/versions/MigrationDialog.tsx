import { mapNodes, type MigrationDryRun, type MigrationView, type NodeMapping, type WorkflowDefinition } from '@exflow/shared';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { migrationBlockText } from '../i18n/designerText.js';
import { currentLocale, i18n } from '../i18n/i18n.js';
import { describeApiError, type VersionSummary } from '../api/client.js';
import { useApi } from '../api/ApiProvider.js';

const UNMAPPED = '';
/** Steps a case never waits at: nothing to map. */
const PASSED_THROUGH = new Set(['start', 'decision', 'decisionTable', 'end', 'parallel']);

const when = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString(currentLocale(), { dateStyle: 'short', timeStyle: 'short' }) : i18n.t('migration.none');

/**
 * Moves the running cases of one published version to another: the step mapping (by id, each
 * step editable), the dry run (every case's new step, queue, assignee and SLA, or why it
 * cannot move), then the plan in batches, each applied or rolled back on its own.
 */
export function MigrationDialog({
  definitionId,
  versions,
  loadVersion,
  onClose,
}: {
  definitionId: string;
  versions: VersionSummary[];
  loadVersion(version: number): Promise<WorkflowDefinition>;
  onClose(): void;
}) {
  const { api } = useApi();
  const [fromVersion, setFromVersion] = useState(versions[1]?.version ?? versions[0]!.version);
  const [toVersion, setToVersion] = useState(versions[0]!.version);
  const [pair, setPair] = useState<{ from: WorkflowDefinition; to: WorkflowDefinition } | null>(null);
  const [overrides, setOverrides] = useState<NodeMapping>({});
  const [dry, setDry] = useState<MigrationDryRun | null>(null);
  const [migration, setMigration] = useState<MigrationView | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { t } = useTranslation();

  useEffect(() => {
    let live = true;
    setPair(null);
    setOverrides({});
    setDry(null);
    setMigration(null);
    void Promise.all([loadVersion(fromVersion), loadVersion(toVersion)]).then(
      ([from, to]) => live && setPair({ from, to }),
      (e) => live && setError(describeApiError(e)),
    );
    return () => {
      live = false;
    };
  }, [fromVersion, toVersion, loadVersion]);

  const mapped = useMemo(() => (pair ? mapNodes(pair.from, pair.to, overrides) : null), [pair, overrides]);
  const waitSteps = pair?.from.nodes.filter((n) => !PASSED_THROUGH.has(n.kind)) ?? [];

  const run = async <T,>(work: () => Promise<T>, done: (value: T) => void) => {
    setBusy(true);
    setError(null);
    try {
      done(await work());
    } catch (e) {
      setError(describeApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const body = () => ({ fromVersion, toVersion, mapping: overrides });
  const choose = (stepId: string, target: string) => {
    setDry(null);
    setMigration(null);
    setOverrides((o) => {
      const next = { ...o };
      if (target === UNMAPPED || (target === stepId && pair?.to.nodes.some((n) => n.id === stepId))) delete next[stepId];
      else next[stepId] = target;
      return next;
    });
  };

  return (
    <div className="modal-backdrop" role="presentation" onClick={onClose}>
      <div
        className="modal modal--wide migration"
        role="dialog"
        aria-modal="true"
        aria-labelledby="migration-title"
        onClick={(e) => e.stopPropagation()}
        data-testid="migration-dialog"
      >
        <header className="modal__head">
          <h2 id="migration-title">{t('migration.title')}</h2>
          <button type="button" className="btn btn--ghost btn--small" onClick={onClose} aria-label={t('common.close')}>
            ✕
          </button>
        </header>
        <p className="panel-intro">{t('migration.intro')}</p>
        <div className="compare-row">
          <label>
            {t('migration.from')}{' '}
            <select value={fromVersion} onChange={(e) => setFromVersion(Number(e.target.value))} data-testid="migration-from">
              {versions.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
            </select>
          </label>
          <span aria-hidden>→</span>
          <label>
            {t('migration.target')}{' '}
            <select value={toVersion} onChange={(e) => setToVersion(Number(e.target.value))} data-testid="migration-to">
              {versions.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
            </select>
          </label>
        </div>

        {pair && mapped && (
          <section className="migration__section" aria-labelledby="migration-mapping">
            <h3 id="migration-mapping">{t('migration.mapping')}</h3>
            <table className="migration-table" data-testid="migration-mapping">
              <thead>
                <tr>
                  <th scope="col">{t('migration.stepIn', { version: fromVersion })}</th>
                  <th scope="col">{t('migration.stepIn', { version: toVersion })}</th>
                </tr>
              </thead>
              <tbody>
                {waitSteps.map((n) => {
                  const target = mapped.mapping[n.id] ?? UNMAPPED;
                  return (
                    <tr key={n.id} className={target === UNMAPPED ? 'is-unmapped' : undefined}>
                      <td>
                        <code>{n.id}</code> {n.label && <span className="migration__muted">{n.label}</span>}
                      </td>
                      <td>
                        <select
                          value={target}
                          onChange={(e) => choose(n.id, e.target.value)}
                          aria-label={t('migration.targetFor', { id: n.id })}
                          data-testid={`map-${n.id}`}
                        >
                          {/* a step B has under the same id always maps to it */}
                          {!pair.to.nodes.some((t) => t.id === n.id) && <option value={UNMAPPED}>{t('migration.notMapped')}</option>}
                          {pair.to.nodes
                            .filter((t) => !PASSED_THROUGH.has(t.kind))
                            .map((t) => (
                              <option key={t.id} value={t.id}>
                                {t.id}
                              </option>
                            ))}
                        </select>
                        {target === UNMAPPED && <span className="chip chip--draft">{t('migration.unmapped')}</span>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <div className="modal__actions">
              <button
                type="button"
                className="btn btn--secondary"
                disabled={busy || fromVersion === toVersion}
                onClick={() => void run(() => api.migrationDryRun(definitionId, body()), setDry)}
                data-testid="migration-dry-run"
              >
                {t('migration.dryRun')}
              </button>
            </div>
          </section>
        )}

        {dry && (
          <section className="migration__section" aria-labelledby="migration-cases">
            <h3 id="migration-cases">
              {t('migration.dryRunResult', { movable: dry.movable, count: dry.total })}
              {dry.blocked > 0 && t('migration.blocked', { count: dry.blocked })}
            </h3>
            <div className="migration__scroll">
              <table className="migration-table" data-testid="migration-cases">
                <thead>
                  <tr>
                    <th scope="col">{t('migration.case')}</th>
                    <th scope="col">{t('migration.step')}</th>
                    <th scope="col">{t('migration.queue')}</th>
                    <th scope="col">{t('migration.assignee')}</th>
                    <th scope="col">{t('migration.slaDue')}</th>
                  </tr>
                </thead>
                <tbody>
                  {dry.cases.map((c) => {
                    const task = c.tasks[0];
                    return c.canMove ? (
                      <tr key={c.caseId}>
                        <td>
                          <code>{c.caseId.slice(0, 8)}</code>
                        </td>
                        <td>
                          {c.fromNodes.join(', ')} → {c.toNodes.join(', ')}
                        </td>
                        <td>{task ? (task.queueBefore === task.queue ? task.queue : `${task.queueBefore} → ${task.queue}`) : '—'}</td>
                        <td>
                          {task
                            ? task.assigneeBefore === task.assignee
                              ? (task.assignee ?? t('migration.unassigned'))
                              : `${task.assigneeBefore ?? t('migration.unassigned')} → ${task.assignee ?? t('migration.toQueue')}`
                            : '—'}
                        </td>
                        <td>{task ? (task.dueAtBefore === task.dueAt ? when(task.dueAt) : `${when(task.dueAtBefore)} → ${when(task.dueAt)}`) : '—'}</td>
                      </tr>
                    ) : (
                      <tr key={c.caseId} className="is-blocked">
                        <td>
                          <code>{c.caseId.slice(0, 8)}</code>
                        </td>
                        <td colSpan={4}>
                          <span className="chip chip--blocked">{t('migration.cannotMove')}</span> {c.blocks.map(migrationBlockText).join('; ')}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            {!migration && (
              <div className="modal__actions">
                <button
                  type="button"
                  className="btn btn--primary"
                  disabled={busy || dry.movable === 0}
                  onClick={() => void run(() => api.createMigration(definitionId, { ...body(), batchSize: 50 }), setMigration)}
                  data-testid="migration-plan"
                >
                  {t('migration.plan')}
                </button>
              </div>
            )}
          </section>
        )}

        {migration && (
          <section className="migration__section" aria-labelledby="migration-batches">
            <h3 id="migration-batches">{t('migration.batches')}</h3>
            {migration.batches.filter((b) => b.status === 'pending').length > 1 && (
              <div className="modal__actions">
                <button
                  type="button"
                  className="btn btn--primary"
                  disabled={busy}
                  onClick={() => void run(() => api.applyMigration(definitionId, migration.id), setMigration)}
                  data-testid="migration-apply-all"
                >
                  {t('migration.applyAll')}
                </button>
              </div>
            )}
            <ul className="version-list" data-testid="migration-batch-list">
              {migration.batches.map((b) => (
                <li key={b.n}>
                  <div>
                    <strong>{t('migration.batch', { n: b.n })}</strong>{' '}
                    <span className={`chip ${b.status === 'applied' ? 'chip--ok' : 'chip--new'}`}>{t(`migration.${b.status}`)}</span>
                    <div className="version-list__meta">{t('migration.batchMeta', b)}</div>
                  </div>
                  <div className="version-list__actions">
                    {b.status === 'pending' && (
                      <button
                        type="button"
                        className="btn btn--secondary btn--small"
                        disabled={busy}
                        onClick={() => void run(() => api.applyMigrationBatch(definitionId, migration.id, b.n), setMigration)}
                      >
                        {t('migration.apply', { n: b.n })}
                      </button>
                    )}
                    {b.status === 'applied' && (
                      <button
                        type="button"
                        className="btn btn--danger-ghost btn--small"
                        disabled={busy}
                        onClick={() => void run(() => api.rollbackMigrationBatch(definitionId, migration.id, b.n), setMigration)}
                      >
                        {t('migration.rollBack', { n: b.n })}
                      </button>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          </section>
        )}
        {error && (
          <div className="banner banner--error" role="alert">
            {error}
          </div>
        )}
      </div>
    </div>
  );
}
