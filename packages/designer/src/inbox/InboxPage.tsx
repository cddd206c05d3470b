import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLiveMessage } from '../workspace/live.js';
import { describeApiError } from '../api/client.js';
import { BulkBar } from './BulkBar.js';
import { InboxFiltersBar } from './InboxFiltersBar.js';
import { createInboxStore, selectError, selectItems, selectLoading, selectNextCursor, selectSelected, selectSummary, selectView } from './inboxStore.js';
import { InboxStoreProvider, useInbox, useInboxStore } from './InboxStoreProvider.js';
import { SlaChip } from '../workspace/SlaChip.js';
import { dateTime, exceptionLabel, money } from '../workspace/format.js';
import { useInboxData } from './useInboxData.js';
import { useNow } from '../workspace/useNow.js';
import { useWorkspace } from '../workspace/WorkspaceApp.js';
import type { Comment, InboxTask, InboxView } from '../workspace/workspaceApi.js';
import { workspaceHref } from '../workspace/workspaceRoute.js';

/** The task inbox: my tasks, the unclaimed ones I may take, the team's (leads); live. */
export function InboxPage() {
  const store = useMemo(() => createInboxStore('unclaimed'), []);
  return (
    <InboxStoreProvider store={store}>
      <Inbox />
    </InboxStoreProvider>
  );
}

const VIEWS = [
  { view: 'mine', label: 'inbox.viewMine' },
  { view: 'unclaimed', label: 'inbox.viewUnclaimed' },
  { view: 'team', label: 'inbox.viewTeam' },
] as const satisfies readonly { view: InboxView; label: string }[];

function Inbox() {
  const { loadMore, refresh } = useInboxData();
  const summary = useInbox(selectSummary);
  const view = useInbox(selectView);
  const error = useInbox(selectError);
  const store = useInboxStore();
  const { t } = useTranslation();
  return (
    <div className="inbox" data-testid="inbox">
      <aside className="inbox__side">
        <h2 className="ws-side-title">{t('inbox.queues')}</h2>
        <QueueList />
        <h2 className="ws-side-title ws-side-title--spaced">{t('inbox.mentioningYou')}</h2>
        <MentionList />
      </aside>
      <section className="inbox__main">
        <div className="inbox__head">
          <div className="ws-tabs" role="tablist">
            {VIEWS.filter((v) => v.view !== 'team' || summary?.lead).map((v) => (
              <button
                key={v.view}
                type="button"
                role="tab"
                aria-selected={view === v.view}
                className={`ws-tab ${view === v.view ? 'is-current' : ''}`}
                data-testid={`view-${v.view}`}
                onClick={() => store.getState().setView(v.view)}
              >
                {t(v.label)} <span className="ws-tab__count">{summary?.views[v.view] ?? '·'}</span>
              </button>
            ))}
          </div>
        </div>
        <InboxFiltersBar />
        {error && (
          <div className="banner banner--error" role="alert">
            {error}
          </div>
        )}
        {summary?.lead && <BulkBar onDone={refresh} />}
        <InboxTable onChanged={refresh} />
        <LoadMore loadMore={loadMore} />
      </section>
    </div>
  );
}

function QueueList() {
  const summary = useInbox(selectSummary);
  const filters = useInbox((s) => s.filters);
  const store = useInboxStore();
  const { t } = useTranslation();
  if (!summary) return <p className="ws-muted">{t('common.loading')}</p>;
  if (!summary.queues.length) return <p className="ws-muted">{t('inbox.noQueues')}</p>;
  return (
    <ul className="queue-list" data-testid="queue-list">
      <li>
        <button type="button" className={`queue ${!filters.queue ? 'is-current' : ''}`} onClick={() => store.getState().setFilter('queue', undefined)}>
          <span className="queue__name">{t('inbox.allQueues')}</span>
        </button>
      </li>
      {summary.queues.map((q) => (
        <li key={q.queue}>
          <button
            type="button"
            className={`queue ${filters.queue === q.queue ? 'is-current' : ''}`}
            data-queue={q.queue}
            onClick={() => store.getState().setFilter('queue', q.queue)}
          >
            <span className="queue__name">{q.queue}</span>
            <span className="queue__counts">
              <span title={t('inbox.openTitle')}>{t('inbox.open', { count: q.open })}</span>
              <span title={t('inbox.unclaimedTitle')}>{t('inbox.unclaimed', { count: q.unclaimed })}</span>
              {q.mine > 0 && <span title={t('inbox.yoursTitle')}>{t('inbox.yours', { count: q.mine })}</span>}
              {q.overdue > 0 && (
                <span className="queue__overdue" title={t('inbox.overdueTitle')}>
                  {t('inbox.overdue', { count: q.overdue })}
                </span>
              )}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function MentionList() {
  const { api, nameOf } = useWorkspace();
  const { t } = useTranslation();
  const [mentions, setMentions] = useState<Comment[] | null>(null);
  const load = useCallback(() => api.mentions().then(setMentions, () => setMentions([])), [api]);
  useEffect(() => void load(), [load]);
  useLiveMessage('case.changed', (m) => {
    if (m.event.type === 'case.comment') void load();
  });
  if (!mentions) return null;
  if (!mentions.length) return <p className="ws-muted">{t('inbox.noMentions')}</p>;
  return (
    <ul className="mention-list" data-testid="mentions">
      {mentions.slice(0, 5).map((c) => (
        <li key={c.id}>
          <a href={workspaceHref({ page: 'case', caseId: c.caseId })}>
            <strong>{c.authorName ?? nameOf(c.author)}</strong> <span className="ws-muted">{dateTime(c.createdAt)}</span>
            <span className="mention-list__text">{c.text}</span>
          </a>
        </li>
      ))}
    </ul>
  );
}

function InboxTable({ onChanged }: { onChanged(): void }) {
  const items = useInbox(selectItems);
  const loading = useInbox(selectLoading);
  const view = useInbox(selectView);
  const summary = useInbox(selectSummary);
  const selected = useInbox(selectSelected);
  const store = useInboxStore();
  const now = useNow(1000);
  const lead = !!summary?.lead;
  const { t } = useTranslation();
  if (!items.length) {
    return (
      <div className="inbox-empty" data-testid="inbox-empty">
        {loading ? t('common.loading') : view === 'mine' ? t('inbox.nothingMine') : t('inbox.noMatch')}
      </div>
    );
  }
  const allSelected = items.length > 0 && items.every((t) => selected.includes(t.id));
  return (
    <div className="inbox-table-wrap">
      <table className="ws-table inbox-table" data-testid="inbox-table">
        <thead>
          <tr>
            {lead && (
              <th className="ws-table__check">
                <input
                  type="checkbox"
                  aria-label={t('inbox.selectAll')}
                  checked={allSelected}
                  onChange={() => store.getState().selectOnly(allSelected ? [] : items.map((t) => t.id))}
                />
              </th>
            )}
            <th>{t('inbox.colPriority')}</th>
            <th>{t('inbox.colInvoice')}</th>
            <th>{t('inbox.colException')}</th>
            <th className="num">{t('inbox.colValueAtRisk')}</th>
            <th className="num">{t('inbox.colAmount')}</th>
            <th>{t('inbox.colQueue')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items.map((task) => (
            <InboxRow key={task.id} task={task} now={now} lead={lead} checked={selected.includes(task.id)} onChanged={onChanged} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function InboxRow({ task, now, lead, checked, onChanged }: { task: InboxTask; now: number; lead: boolean; checked: boolean; onChanged(): void }) {
  const { api, user } = useWorkspace();
  const store = useInboxStore();
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      onChanged();
    } catch (e) {
      setError(describeApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const open = () => void (window.location.hash = workspaceHref({ page: 'task', taskId: task.id }));
  return (
    <tr className={`inbox-row ${checked ? 'is-selected' : ''}`} data-task-id={task.id} onClick={open}>
      {lead && (
        <td className="ws-table__check" onClick={(e) => e.stopPropagation()}>
          <input
            type="checkbox"
            aria-label={t('inbox.selectOne', { name: task.invoiceNumber ?? task.title })}
            checked={checked}
            onChange={() => store.getState().toggle(task.id)}
          />
        </td>
      )}
      <td>
        <div className="inbox-row__urgency">
          <span className={`prio prio--${task.priority}`} title={t('inbox.priorityTitle')}>
            P{task.priority}
          </span>
          <SlaChip dueAt={task.dueAt} createdAt={task.createdAt} now={now} />
        </div>
      </td>
      <td>
        <div className="inbox-row__invoice">{task.invoiceNumber ?? task.title}</div>
        <div className="ws-muted inbox-row__supplier" title={task.supplierName ?? undefined}>
          {task.supplierName ?? '—'}
        </div>
      </td>
      <td>{task.exceptionKind ? <span className="exc-chip">{exceptionLabel(task.exceptionKind)}</span> : <span className="ws-muted">{task.title}</span>}</td>
      <td className="num strong">{money(task.valueAtRisk, task.currency)}</td>
      <td className="num">
        <div>{money(task.amount, task.currency)}</div>
        <div className="ws-muted">{task.businessUnit ?? '—'}</div>
      </td>
      <td>
        <div>{task.queue}</div>
        <div className="ws-muted">
          {task.assignee ? (
            task.assignee === user.id ? (
              <strong className="inbox-row__you">{t('inbox.you')}</strong>
            ) : (
              (task.assigneeName ?? task.assignee)
            )
          ) : (
            t('inbox.unclaimedHolder')
          )}
        </div>
      </td>
      <td className="inbox-row__actions" onClick={(e) => e.stopPropagation()}>
        {!task.assignee && mayWork(user.roles, task.candidateRoles) && (
          <button type="button" className="btn btn--secondary btn--small" disabled={busy} data-testid="claim" onClick={() => act(() => api.claim(task.id))}>
            {t('inbox.claim')}
          </button>
        )}
        {task.assignee === user.id && (
          <button type="button" className="btn btn--ghost btn--small" disabled={busy} onClick={() => act(() => api.release(task.id))}>
            {t('inbox.release')}
          </button>
        )}
        <a className="btn btn--ghost btn--small" href={workspaceHref({ page: 'task', taskId: task.id })}>
          {t('inbox.openTask')}
        </a>
        {error && (
          <div className="inbox-row__error" role="alert">
            {error}
          </div>
        )}
      </td>
    </tr>
  );
}

const WORKER_ROLES = ['tenant_admin', 'process_owner', 'analyst', 'approver'];

/** The server's rule for claiming: a worker role, among the task's candidate roles when it names any. */
function mayWork(roles: readonly string[], candidateRoles: readonly string[]): boolean {
  const worker = roles.filter((r) => WORKER_ROLES.includes(r));
  return candidateRoles.length ? worker.some((r) => candidateRoles.includes(r)) : worker.length > 0;
}

function LoadMore({ loadMore }: { loadMore(): Promise<void> }) {
  const next = useInbox(selectNextCursor);
  const { t } = useTranslation();
  if (!next) return null;
  return (
    <div className="inbox__more">
      <button type="button" className="btn btn--secondary" onClick={() => void loadMore()}>
        {t('inbox.showMore')}
      </button>
    </div>
  );
}
