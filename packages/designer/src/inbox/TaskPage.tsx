import { useCallback, useEffect, useState } from 'react';
import { describeApiError } from '../api/client.js';
import { AttachmentsPanel } from '../workspace/AttachmentsPanel.js';
import { CommentsPanel } from '../workspace/CommentsPanel.js';
import { EvidenceList } from '../workspace/EvidenceList.js';
import { FindingsPanel } from '../workspace/FindingsPanel.js';
import { useLiveMessage } from '../workspace/live.js';
import { MatchTable } from '../workspace/MatchTable.js';
import { useCaseHistory } from '../workspace/useCaseHistory.js';
import { DecisionPanel } from './DecisionPanel.js';
import { dateTime, exceptionLabel, money } from '../workspace/format.js';
import { SlaChip } from './SlaChip.js';
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
    if (m.change === 'claimed' && m.assignee !== user.id) setNotice(`${nameOf(m.assignee)} claimed this task.`);
    if (m.change === 'reassigned') setNotice(m.assignee === user.id ? 'This task was assigned to you.' : `This task was given to ${nameOf(m.assignee)}.`);
    void reload();
  });

  if (error && !task)
    return (
      <div className="page-message">
        <p>{error}</p>
        <a className="btn btn--secondary" href="#/inbox">
          Back to the inbox
        </a>
      </div>
    );
  if (!task || !detail) return <div className="page-message">Loading the task…</div>;

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
            ← Inbox
          </a>
          <h1>
            {task.title}
            {invoice && <span className="ws-muted"> · {invoice.invoiceNumber}</span>}
          </h1>
          <div className="task-page__meta">
            <span className={`prio prio--${task.priority}`}>P{task.priority}</span>
            {open && <SlaChip dueAt={task.dueAt} createdAt={task.createdAt} now={now} />}
            <span>
              Queue <strong>{task.queue}</strong>
            </span>
            <span>
              {task.assignee ? (
                <>
                  Held by <strong data-testid="task-assignee">{mine ? 'you' : nameOf(task.assignee)}</strong>
                </>
              ) : (
                'Unclaimed'
              )}
            </span>
            <a href={workspaceHref({ page: 'case', caseId: task.caseId })}>Case history →</a>
          </div>
        </div>
        <div className="task-page__actions">
          {open && !task.assignee && canWork && (
            <button type="button" className="btn btn--primary" disabled={busy} data-testid="task-claim" onClick={() => act(() => api.claim(task.id))}>
              Claim
            </button>
          )}
          {open && mine && (
            <button type="button" className="btn btn--secondary" disabled={busy} onClick={() => act(() => api.release(task.id))}>
              Release
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
          {task.status === 'completed' ? `Completed by ${nameOf(task.completedBy)}: ${task.outcome}` : 'This task was closed: the case moved on.'} — the case is
          now <strong>{detail.status === 'open' ? `at ${detail.activeNodes.join(', ')}` : detail.status}</strong>.
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
              <h2>Invoice {invoice.invoiceNumber}</h2>
              <dl className="kv kv--row">
                <dt>Supplier</dt>
                <dd>{invoice.supplier.name}</dd>
                <dt>Issued</dt>
                <dd>{invoice.issueDate}</dd>
                <dt>Due</dt>
                <dd>{invoice.dueDate ?? '—'}</dd>
                <dt>PO</dt>
                <dd>{invoice.poNumber ?? '—'}</dd>
                <dt>Business unit</dt>
                <dd>{invoice.businessUnit ?? evidence?.purchaseOrder?.businessUnit ?? '—'}</dd>
                <dt>Net</dt>
                <dd>{money(invoice.netTotal, currency)}</dd>
                <dt>Tax</dt>
                <dd>{money(invoice.taxTotal, currency)}</dd>
                <dt>Gross</dt>
                <dd>
                  <strong>{money(invoice.grossTotal, currency)}</strong>
                </dd>
              </dl>
            </section>
          )}
          {evidence?.invoice && (
            <section className="ws-card">
              <h2>Found at intake</h2>
              <FindingsPanel invoice={stored} />
            </section>
          )}
          <section className="ws-card">
            <h2>Invoice against PO and goods receipts</h2>
            {evidence ? <MatchTable evidence={evidence} match={match} /> : <p className="ws-muted">Loading…</p>}
          </section>
          <section className="ws-card">
            <h2>Evidence</h2>
            <EvidenceList detail={detail} evidence={evidence} nodeLabel={nodeLabel} nameOf={nameOf} />
          </section>
        </div>
        <aside className="task-page__side">
          <section className="ws-card">
            <h2>Decision</h2>
            {match && !match.withinTolerance && match.findings[0] && (
              <div className="decision__why">
                <span className="exc-chip">{exceptionLabel(match.findings[0].kind)}</span> {money(match.valueAtRisk, currency)} at risk
              </div>
            )}
            {suggestion && <SuggestionPanel task={task} suggestion={suggestion} />}
            {open && heldByOther && <p className="ws-muted">Held by {nameOf(task.assignee)}; only they (or a lead) can decide.</p>}
            {open && !canWork && <p className="ws-muted">This task is for {task.candidateRoles.join(' or ')}.</p>}
            {open ? (
              <DecisionPanel task={task} canAct={canWork && !heldByOther} onCompleted={() => void reload()} suggestion={suggestion} />
            ) : (
              <p className="ws-muted">Decided {dateTime(task.completedAt)}.</p>
            )}
          </section>
          <section className="ws-card">
            <h2>Comments</h2>
            <CommentsPanel caseId={task.caseId} taskId={task.id} revision={history.revision} closed={detail.status !== 'open'} />
          </section>
          <section className="ws-card">
            <h2>Files</h2>
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
  const [to, setTo] = useState('');
  const [error, setError] = useState<string | null>(null);
  const candidates = team.filter(
    (m) => m.id !== user.id && m.roles.some((r) => (task.candidateRoles.length ? task.candidateRoles.includes(r) : WORKER_ROLES.includes(r))),
  );
  return (
    <span className="reassign">
      <select value={to} onChange={(e) => setTo(e.target.value)} aria-label="Hand over to">
        <option value="">Hand over to…</option>
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
        Hand over
      </button>
      {error && <span className="field-error">{error}</span>}
    </span>
  );
}
