import { useTranslation } from 'react-i18next';
import type { CompiledFlow, WorkflowDefinition } from '@exflow/shared';
import { lazy, Suspense, useCallback, useEffect, useState, type FormEvent } from 'react';
import { describeApiError } from '../api/client.js';
import { dateTime, money } from '../workspace/format.js';
import { useSlaWords } from '../workspace/SlaChip.js';
import { formatDuration } from '../workspace/sla.js';
import { useNow } from '../workspace/useNow.js';
import { useWorkspace } from '../workspace/WorkspaceApp.js';
import type { AuditEntry, CaseDetail, CaseEvent, Effect, Evidence } from '../workspace/workspaceApi.js';
import { workspaceHref } from '../workspace/workspaceRoute.js';
import { AttachmentsPanel } from '../workspace/AttachmentsPanel.js';
import { CommentsPanel } from '../workspace/CommentsPanel.js';
import { CallFailureBanner, useCallFailureMessages } from './CallFailureBanner.js';
import { callFailures } from './callFailures.js';
import { describeEvent, describeTaskHold, TASK_HOLD_ACTIONS } from './describeEvent.js';
import { useLiveMessage } from '../workspace/live.js';
import { useCaseHistory } from '../workspace/useCaseHistory.js';

// the map draws with @xyflow: the case's facts and history show while it loads
const CaseMap = lazy(() => import('./CaseMap.js').then((m) => ({ default: m.CaseMap })));

const WORKERS = ['tenant_admin', 'process_owner', 'analyst', 'approver'];
const OPERATORS = ['tenant_admin', 'process_owner'];

/**
 * A case: its flow with the path taken and where it stands, the event timeline (who, what,
 * when, why), the audit trail, open tasks, timers and effects with their retry state; live.
 */
export function CasePage({ caseId }: { caseId: string }) {
  const { api, user, nameOf } = useWorkspace();
  const { t } = useTranslation();
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [flow, setFlow] = useState<{ definition: WorkflowDefinition; compiled: CompiledFlow | null } | null>(null);
  const [evidence, setEvidence] = useState<Evidence | null>(null);
  const [audit, setAudit] = useState<AuditEntry[]>([]);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      const [d, a] = await Promise.all([api.caseDetail(caseId), api.caseAudit(caseId)]);
      setDetail(d);
      setAudit(a);
    } catch (e) {
      setError(describeApiError(e));
    }
  }, [api, caseId]);
  useEffect(() => void reload(), [reload]);
  useEffect(() => {
    if (!detail) return;
    if (!flow) {
      api.version(detail.definitionId, detail.definitionVersion).then(
        (v) => setFlow({ definition: v.definition, compiled: (v.compiled as CompiledFlow) ?? null }),
        (e) => setError(describeApiError(e)),
      );
      api.evidence(caseId).then(setEvidence, () => setEvidence(null));
    }
  }, [api, caseId, detail, flow]);
  const history = useCaseHistory(api, caseId, () => void reload());
  // claims, releases and reassignments are not case events: their audit rows come with task.changed
  useLiveMessage('task.changed', (message) => {
    if (message.caseId === caseId && message.change !== 'opened') void reload();
  });
  // a failed attempt that is retried writes no case event: its message brings the effects up to date
  const failureMessages = useCallFailureMessages(caseId, () => void reload());

  if (error && !detail)
    return (
      <div className="page-message">
        <p>{error}</p>
        <a className="btn btn--secondary" href="#/inbox">
          {t('task.backToInbox')}
        </a>
      </div>
    );
  if (!detail) return <div className="page-message">{t('casePage.loading')}</div>;

  const nodeLabel = (id: string) => flow?.definition.nodes.find((n) => n.id === id)?.label ?? id;
  const invoice = evidence?.invoice?.body;
  // a case in an incident is still open: it waits at its step for a retry
  const open = detail.status === 'open' || detail.status === 'incident';
  return (
    <div className="case-page" data-testid="case-page" data-case-status={detail.status}>
      <div className="task-page__head">
        <div>
          <a href="#/inbox" className="ws-back">
            {t('task.inbox')}
          </a>
          <h1>
            {t('casePage.title', { name: invoice ? t('casePage.forInvoice', { number: invoice.invoiceNumber }) : detail.id.slice(0, 8) })}{' '}
            <span className={`chip case-status case-status--${detail.status}`} data-testid="case-status">
              {detail.status}
            </span>
          </h1>
          <div className="task-page__meta">
            {invoice && (
              <span>
                {invoice.supplier.name} · {money(invoice.grossTotal, invoice.currency)}
              </span>
            )}
            <span>
              {flow?.definition.name ?? detail.definitionId} v{detail.definitionVersion}
            </span>
            <span>{t('casePage.opened', { when: dateTime(detail.openedAt) })}</span>
            {open ? (
              <span>
                {t('casePage.nowAt')} <strong data-testid="case-active">{detail.activeNodes.map(nodeLabel).join(', ')}</strong>
              </span>
            ) : (
              <span>{t('casePage.closed', { when: dateTime(detail.closedAt) })}</span>
            )}
            <span className="ws-muted">{t('casePage.version', { version: history.version })}</span>
          </div>
        </div>
        <div className="task-page__actions">
          {open && user.roles.some((r) => WORKERS.includes(r)) && <CancelCase caseId={caseId} onDone={() => void reload()} />}
        </div>
      </div>
      {error && (
        <div className="banner banner--error" role="alert">
          {error}
        </div>
      )}
      {callFailures(detail.effects, failureMessages, detail).map((f) => (
        <CallFailureBanner key={f.effectId} failure={f} stepLabel={nodeLabel(f.nodeId)} />
      ))}
      {detail.context.cancellation && (
        <div className="banner banner--warn">
          {t('casePage.cancelledBy', { name: nameOf(detail.context.cancellation.by), reason: detail.context.cancellation.reason })}
        </div>
      )}

      <section className="ws-card ws-card--flush">
        {flow ? (
          <Suspense fallback={<div className="case-map case-map--loading">{t('casePage.loadingFlow')}</div>}>
            <CaseMap
              definition={flow.definition}
              compiled={flow.compiled}
              invoice={detail.context.invoice}
              events={history.events}
              activeNodes={detail.activeNodes}
            />
          </Suspense>
        ) : (
          <div className="case-map case-map--loading">{t('casePage.loadingFlow')}</div>
        )}
      </section>

      <div className="case-page__grid">
        <section className="ws-card">
          <h2>{t('casePage.timeline')}</h2>
          <ol className="timeline" data-testid="timeline">
            {timeline(history.events, audit, detail, nodeLabel, nameOf).map((row) => (
              <li key={row.key} {...row.attrs}>
                <span className="timeline__when">{dateTime(row.at)}</span>
                <span className="timeline__who">{row.who}</span>
                <span className="timeline__what">{row.line.what}</span>
                {row.line.why && <span className="timeline__why">{row.line.why}</span>}
              </li>
            ))}
          </ol>
        </section>
        <div className="case-page__col">
          <section className="ws-card">
            <h2>{t('casePage.openTasks')}</h2>
            {detail.tasks.length ? (
              <ul className="plain-list">
                {detail.tasks.map((task) => (
                  <li key={task.id}>
                    <a href={workspaceHref({ page: 'task', taskId: task.id })}>{task.title}</a>{' '}
                    <span className="ws-muted">
                      · {task.queue} · {task.assignee ? nameOf(task.assignee) : t('inbox.unclaimedHolder')}
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="ws-muted">{t('casePage.none')}</p>
            )}
          </section>
          <section className="ws-card">
            <h2>{t('casePage.timers')}</h2>
            <TimerList detail={detail} nodeLabel={nodeLabel} />
          </section>
          <section className="ws-card">
            <h2>{t('casePage.effects')}</h2>
            <EffectList
              caseId={caseId}
              effects={detail.effects}
              nodeLabel={nodeLabel}
              canRetry={user.roles.some((r) => OPERATORS.includes(r))}
              onRetried={() => void reload()}
            />
          </section>
        </div>
      </div>

      <section className="ws-card">
        <h2>{t('casePage.auditTrail')}</h2>
        <table className="ws-table audit-table" data-testid="audit">
          <thead>
            <tr>
              <th>{t('casePage.when')}</th>
              <th>{t('casePage.who')}</th>
              <th>{t('casePage.action')}</th>
              <th>{t('casePage.details')}</th>
            </tr>
          </thead>
          <tbody>
            {audit.map((a) => (
              <tr key={a.id}>
                <td>{dateTime(a.createdAt)}</td>
                <td>{a.actorName ?? nameOf(a.actor)}</td>
                <td>
                  <code>{a.action}</code>
                </td>
                <td className="audit-table__data">{auditDetails(a, nodeLabel, nameOf)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <div className="case-page__grid">
        <section className="ws-card">
          <h2>{t('task.comments')}</h2>
          <CommentsPanel caseId={caseId} revision={history.revision} closed={!open} />
        </section>
        <section className="ws-card">
          <h2>{t('task.files')}</h2>
          <AttachmentsPanel caseId={caseId} closed={false} />
        </section>
      </div>
    </div>
  );
}

/** The case events and, from the audit trail, who claimed, released or reassigned its tasks, oldest first. */
function timeline(events: CaseEvent[], audit: AuditEntry[], detail: CaseDetail, nodeLabel: (id: string) => string, nameOf: (id: string | null) => string) {
  const stepOfTask = new Map(detail.tasks.map((t) => [t.id, t.nodeId]));
  const rows = [
    ...events.map((e) => ({
      key: `e${e.seq}`,
      at: e.createdAt,
      who: nameOf(e.actor),
      line: describeEvent(e, nodeLabel),
      attrs: { 'data-seq': e.seq } as Record<string, string | number>,
    })),
    ...audit
      .filter((a) => TASK_HOLD_ACTIONS.includes(a.action))
      .map((a) => {
        const data = { nodeId: stepOfTask.get(a.entityId), ...a.data };
        return {
          key: `a${a.id}`,
          at: a.createdAt,
          who: a.actorName ?? nameOf(a.actor),
          line: describeTaskHold({ action: a.action, data }, nodeLabel, nameOf),
          attrs: { 'data-audit': a.action } as Record<string, string | number>,
        };
      }),
  ];
  return rows.sort((x, y) => Date.parse(x.at) - Date.parse(y.at));
}

function auditDetails(a: AuditEntry, nodeLabel: (id: string) => string, nameOf: (id: string | null) => string): string {
  const d = a.data;
  if (a.action === 'task.reassigned')
    return `${nameOf((d.from as string | null) ?? null)} → ${nameOf((d.to as string | null) ?? null)}${d.reason ? ` (${d.reason})` : ''}`;
  if (a.action === 'task.claimed' || a.action === 'task.released') return `${nodeLabel(String(d.nodeId ?? ''))} · queue ${d.queue}`;
  if (a.action === 'task.reprioritised') return `P${d.from} → P${d.to}${d.reason ? ` (${d.reason})` : ''}`;
  if (a.action === 'attachment.added') return `${d.filename} (${d.contentType})`;
  if (a.action === 'effect.retried') return `${d.service ?? ''} at ${nodeLabel(String(d.nodeId ?? ''))}, was ${d.status} after ${d.attempts} attempt(s)`;
  if (a.entity === 'case' && Array.isArray(d.activeNodes))
    return `v${d.version} · ${d.status} · at ${d.activeNodes.map((n: string) => nodeLabel(n)).join(', ') || '—'}`;
  return JSON.stringify(d);
}

function TimerList({ detail, nodeLabel }: { detail: CaseDetail; nodeLabel(id: string): string }) {
  const now = useNow(1000);
  const pending = detail.timers.filter((t) => t.status === 'pending');
  const { t: tr } = useTranslation();
  const words = useSlaWords();
  if (!pending.length) return <p className="ws-muted">{tr('casePage.noTimers')}</p>;
  return (
    <ul className="plain-list">
      {pending.map((t) => {
        const left = Date.parse(t.dueAt) - now;
        return (
          <li key={t.id}>
            {nodeLabel(t.nodeId)} {t.timerId.endsWith(':sla') ? tr('casePage.sla') : tr('casePage.timer')}{' '}
            <span className="ws-muted">
              {left > 0
                ? tr('casePage.dueIn', { when: dateTime(t.dueAt), duration: formatDuration(left, words.units) })
                : tr('casePage.dueNow', { when: dateTime(t.dueAt) })}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

function EffectList({
  caseId,
  effects,
  nodeLabel,
  canRetry,
  onRetried,
}: {
  caseId: string;
  effects: Effect[];
  nodeLabel(id: string): string;
  canRetry: boolean;
  onRetried(): void;
}) {
  const { api } = useWorkspace();
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  if (!effects.length) return <p className="ws-muted">{t('casePage.noEffects')}</p>;
  const retryable = (e: Effect) => e.status === 'failed' || (e.status === 'pending' && e.attempts > 0);
  return (
    <>
      <table className="ws-table effects-table" data-testid="effects">
        <thead>
          <tr>
            <th>{t('casePage.step')}</th>
            <th>{t('casePage.status')}</th>
            <th className="num">{t('casePage.attempts')}</th>
            <th>{t('casePage.nextOrError')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {effects.map((e) => (
            <tr key={e.id} className={`effect effect--${e.status}`}>
              <td>
                {nodeLabel(e.nodeId)} <span className="ws-muted">{e.service}</span>
              </td>
              <td>
                <span className={`chip effect-chip effect-chip--${e.status}`}>
                  {e.waitingFor && e.status === 'pending' ? `waiting for ${e.waitingFor}` : e.status === 'pending' && e.attempts > 0 ? 'retrying' : e.status}
                </span>
              </td>
              <td className="num">
                {e.attempts} / {e.maxAttempts}
              </td>
              <td>
                {e.status === 'pending' && <div className="ws-muted">{t('casePage.nextTry', { when: dateTime(e.nextRetryAt ?? e.runAt) })}</div>}
                {e.lastError && <div className="effect__error">{e.lastError}</div>}
              </td>
              <td>
                {canRetry && retryable(e) && (
                  <button
                    type="button"
                    className="btn btn--secondary btn--small"
                    onClick={async () => {
                      setError(null);
                      try {
                        await api.retryEffect(caseId, e.id);
                        onRetried();
                      } catch (err) {
                        setError(describeApiError(err));
                      }
                    }}
                  >
                    {e.status === 'failed' ? t('casePage.retry') : t('casePage.retryNow')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
    </>
  );
}

function CancelCase({ caseId, onDone }: { caseId: string; onDone(): void }) {
  const { api } = useWorkspace();
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.cancelCase(caseId, reason);
      setOpen(false);
      onDone();
    } catch (err) {
      setError(describeApiError(err));
    }
  };
  return (
    <>
      <button type="button" className="btn btn--danger-ghost" onClick={() => setOpen(true)}>
        {t('casePage.cancelCase')}
      </button>
      {open && (
        <div className="modal-backdrop" role="dialog" aria-modal="true" aria-label={t('casePage.cancelDialog')}>
          <form className="modal" onSubmit={submit}>
            <div className="modal__head">
              <h2>{t('casePage.cancelTitle')}</h2>
            </div>
            <p>{t('casePage.cancelHelp')}</p>
            <label className="inspector__field">
              <span>{t('casePage.reason')}</span>
              <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} required />
            </label>
            {error && <div className="banner banner--error">{error}</div>}
            <div className="modal__actions">
              <button type="button" className="btn btn--ghost" onClick={() => setOpen(false)}>
                {t('casePage.keep')}
              </button>
              <button type="submit" className="btn btn--danger" disabled={!reason.trim()}>
                {t('casePage.confirmCancel')}
              </button>
            </div>
          </form>
        </div>
      )}
    </>
  );
}
