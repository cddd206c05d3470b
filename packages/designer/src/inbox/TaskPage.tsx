import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeApiError } from '../api/client.js';
import { AttachmentsPanel } from '../workspace/AttachmentsPanel.js';
import { CommentsPanel } from '../workspace/CommentsPanel.js';
import { EvidenceList } from '../workspace/EvidenceList.js';
import { FindingsPanel } from '../workspace/FindingsPanel.js';
import { useLiveMessage } from '../workspace/live.js';
import { MatchTable } from '../workspace/MatchTable.js';
import { useCaseHistory } from '../workspace/useCaseHistory.js';
import { DecisionPanel } from './DecisionPanel.js';
import { calendarDate, dateTime, exceptionLabel, money } from '../workspace/format.js';
import { SlaChip } from '../workspace/SlaChip.js';
import { SuggestionPanel } from './SuggestionPanel.js';
import { useNow } from '../workspace/useNow.js';
import { useWorkspace } from '../workspace/WorkspaceApp.js';
import type { AiSuggestion, CaseDetail, Evidence, StoredInvoice, Task } from '../workspace/workspaceApi.js';
import { workspaceHref } from '../workspace/workspaceRoute.js';

const WORKER_ROLES = ['tenant_admin', 'process_owner', 'analyst', 'approver'];

/**
 * One task: the invoice beside its PO lines and receipts with the variances marked, the
 * evidence, the flow's form and outcome buttons, comments and files; live as the case moves.
 */
export function TaskPage({ taskId }: { taskId: string }) {
  const { api, user, nameOf } = useWorkspace();
  const { t: tr } = useTranslation();
  const [task, setTask] = useState<Task | null>(null);
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [evidence, setEvidence] = useState<Evidence | null>(null);
  const [suggestion, setSuggestion] = useState<AiSuggestion | null>(null);
  const [stored, setStored] = useState<StoredInvoice | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const now = useNow(1000);

  const reload = useCallback(async () => {
    try {
      const t = await api.task(taskId);
      setTask(t);
      const [d, ev, ai] = await Promise.all([
        api.caseDetail(t.caseId),
        api.evidence(t.caseId),
        // a suggestion is optional: without one (or if it cannot be read) the task works as before
        api.suggestion(t.id).catch(() => ({ suggestion: null })),
      ]);
      setDetail(d);
      setEvidence(ev);
      setSuggestion(ai.suggestion);
      setStored(ev.invoice ? await api.invoice(ev.invoice.id) : null);
    } catch (e) {
      setError(describeApiError(e));
    }
  }, [api, taskId]);
  useEffect(() => void reload(), [reload]);

  const history = useCaseHistory(api, task?.caseId ?? null, () => void reload());
  useLiveMessage('task.changed', (m) => {
    if (m.taskId !== taskId) return;
    if (m.change === 'claimed' && m.assignee !== user.id) setNotice(tr('task.claimedBy', { name: nameOf(m.assignee) }));
    if (m.change === 'reassigned') setNotice(m.assignee === user.id ? tr('task.assignedToYou') : tr('task.givenTo', { name: nameOf(m.assignee) }));
    void reload();
  });

  if (error && !task)
    return (
      <div className="page-message">
        <p>{error}</p>
        <a className="btn btn--secondary" href="#/inbox">
          {tr('task.backToInbox')}
        </a>
      </div>
    );
  if (!task || !detail) return <div className="page-message">{tr('task.loading')}</div>;

  const open = task.status === 'open';
  const mine = task.assignee === user.id;
  const heldByOther = !!task.assignee && !mine;
  const canWork = user.roles.some((r) => WORKER_ROLES.includes(r)) && (!task.candidateRoles.length || user.roles.some((r) => task.candidateRoles.includes(r)));
  const invoice = evidence?.invoice?.body;
  const currency = invoice?.currency ?? 'EUR';
  const match = detail.context.vars.match;
  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      await reload();
    } catch (e) {
      setError(describeApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const nodeLabel = (id: string) => id;

  return (
    <div className="task-page" data-testid="task-page" data-task-status={task.status}>
      <div className="task-page__head">
        <div>
          <a href="#/inbox" className="ws-back">
            {tr('task.inbox')}
          </a>
          <h1>
            {task.title}
            {invoice && <span className="ws-muted"> · {invoice.invoiceNumber}</span>}
          </h1>
          <div className="task-page__meta">
            <span className={`prio prio--${task.priority}`}>P{task.priority}</span>
            {open && <SlaChip dueAt={task.dueAt} createdAt={task.createdAt} now={now} />}
            <span>
              {tr('task.queue')} <strong>{task.queue}</strong>
            </span>
            <span>
              {task.assignee ? (
                <>
                  {tr('task.heldBy')} <strong data-testid="task-assignee">{mine ? tr('task.you') : nameOf(task.assignee)}</strong>
                </>
              ) : (
                tr('task.unclaimed')
              )}
            </span>
            <a href={workspaceHref({ page: 'case', caseId: task.caseId })}>{tr('task.caseHistory')}</a>
          </div>
        </div>
        <div className="task-page__actions">
          {open && !task.assignee && canWork && (
            <button type="button" className="btn btn--primary" disabled={busy} data-testid="task-claim" onClick={() => act(() => api.claim(task.id))}>
              {tr('task.claim')}
            </button>
          )}
          {open && mine && (
            <button type="button" className="btn btn--secondary" disabled={busy} onClick={() => act(() => api.release(task.id))}>
              {tr('task.release')}
            </button>
          )}
          {open && mine && <ReassignControl task={task} onDone={() => void reload()} />}
        </div>
      </div>
      {notice && (
        <div className="banner banner--warn" role="status" data-testid="task-notice">
          {notice}
        </div>
      )}
      {!open && (
        <div className="banner banner--ok" role="status" data-testid="task-closed">
          {task.status === 'completed' ? tr('task.completedBy', { name: nameOf(task.completedBy), outcome: task.outcome }) : tr('task.closedMovedOn')}{' '}
          {tr('task.caseNow')} <strong>{detail.status === 'open' ? tr('task.caseAt', { nodes: detail.activeNodes.join(', ') }) : detail.status}</strong>.
        </div>
      )}
      {error && (
        <div className="banner banner--error" role="alert">
          {error}
        </div>
      )}

      <div className="task-page__grid">
        <div className="task-page__main">
          {invoice && (
            <section className="ws-card">
              <h2>{tr('task.invoice', { number: invoice.invoiceNumber })}</h2>
              <dl className="kv kv--row">
                <dt>{tr('task.supplier')}</dt>
                <dd>{invoice.supplier.name}</dd>
                <dt>{tr('task.issued')}</dt>
                <dd>{calendarDate(invoice.issueDate)}</dd>
                <dt>{tr('task.due')}</dt>
                <dd>{calendarDate(invoice.dueDate)}</dd>
                <dt>{tr('task.po')}</dt>
                <dd>{invoice.poNumber ?? '—'}</dd>
                <dt>{tr('task.businessUnit')}</dt>
                <dd>{invoice.businessUnit ?? evidence?.purchaseOrder?.businessUnit ?? '—'}</dd>
                <dt>{tr('task.net')}</dt>
                <dd>{money(invoice.netTotal, currency)}</dd>
                <dt>{tr('task.tax')}</dt>
                <dd>{money(invoice.taxTotal, currency)}</dd>
                <dt>{tr('task.gross')}</dt>
                <dd data-testid="invoice-gross">
                  <strong>{money(invoice.grossTotal, currency)}</strong>
                </dd>
              </dl>
            </section>
          )}
          {evidence?.invoice && (
            <section className="ws-card">
              <h2>{tr('task.foundAtIntake')}</h2>
              <FindingsPanel invoice={stored} />
            </section>
          )}
          <section className="ws-card">
            <h2>{tr('task.againstPo')}</h2>
            {evidence ? <MatchTable evidence={evidence} match={match} /> : <p className="ws-muted">{tr('common.loading')}</p>}
          </section>
          <section className="ws-card">
            <h2>{tr('task.evidence')}</h2>
            <EvidenceList detail={detail} evidence={evidence} nodeLabel={nodeLabel} nameOf={nameOf} />
          </section>
        </div>
        <aside className="task-page__side">
          <section className="ws-card">
            <h2>{tr('task.decision')}</h2>
            {match && !match.withinTolerance && match.findings[0] && (
              <div className="decision__why">
                <span className="exc-chip">{exceptionLabel(match.findings[0].kind)}</span> {tr('task.atRisk', { amount: money(match.valueAtRisk, currency) })}
              </div>
            )}
            {suggestion && <SuggestionPanel task={task} suggestion={suggestion} />}
            {open && heldByOther && <p className="ws-muted">{tr('task.heldByOther', { name: nameOf(task.assignee) })}</p>}
            {open && !canWork && <p className="ws-muted">{tr('task.forRoles', { roles: task.candidateRoles.join(tr('task.or')) })}</p>}
            {open ? (
              <DecisionPanel task={task} canAct={canWork && !heldByOther} onCompleted={() => void reload()} suggestion={suggestion} />
            ) : (
              <p className="ws-muted">{tr('task.decided', { when: dateTime(task.completedAt) })}</p>
            )}
          </section>
          <section className="ws-card">
            <h2>{tr('task.comments')}</h2>
            <CommentsPanel caseId={task.caseId} taskId={task.id} revision={history.revision} closed={detail.status !== 'open'} />
          </section>
          <section className="ws-card">
            <h2>{tr('task.files')}</h2>
            <AttachmentsPanel caseId={task.caseId} taskId={task.id} closed={false} />
          </section>
        </aside>
      </div>
      <span hidden data-testid="case-version">
        {history.version}
      </span>
    </div>
  );
}

function ReassignControl({ task, onDone }: { task: Task; onDone(): void }) {
  const { api, team, user } = useWorkspace();
  const { t } = useTranslation();
  const [to, setTo] = useState('');
  const [error, setError] = useState<string | null>(null);
  const candidates = team.filter(
    (m) => m.id !== user.id && m.roles.some((r) => (task.candidateRoles.length ? task.candidateRoles.includes(r) : WORKER_ROLES.includes(r))),
  );
  return (
    <span className="reassign">
      <select value={to} onChange={(e) => setTo(e.target.value)} aria-label={t('task.handOverTo')}>
        <option value="">{t('task.handOverToPlaceholder')}</option>
        {candidates.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="btn btn--secondary"
        disabled={!to}
        onClick={async () => {
          try {
            await api.reassign(task.id, to);
            onDone();
          } catch (e) {
            setError(describeApiError(e));
          }
        }}
      >
        {t('task.handOver')}
      </button>
      {error && <span className="field-error">{error}</span>}
    </span>
  );
}
