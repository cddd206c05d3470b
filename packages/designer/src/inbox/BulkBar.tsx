import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeApiError } from '../api/client.js';
import { selectSelected } from './inboxStore.js';
import { useInbox, useInboxStore } from './InboxStoreProvider.js';
import { useWorkspace } from '../workspace/WorkspaceApp.js';

const WORKER_ROLES = ['tenant_admin', 'process_owner', 'analyst', 'approver'];

/** Leads: reassign or re-prioritise the selected tasks, all or none. */
export function BulkBar({ onDone }: { onDone(): void }) {
  const selected = useInbox(selectSelected);
  const store = useInboxStore();
  const { api, team } = useWorkspace();
  const { t } = useTranslation();
  const [assignee, setAssignee] = useState('');
  const [priority, setPriority] = useState('1');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  if (!selected.length && !message) return null;
  const run = async (action: () => Promise<{ changed: number }>, what: 'bulk.reassigned' | 'bulk.reprioritised') => {
    setBusy(true);
    setMessage(null);
    try {
      const { changed } = await action();
      setMessage({ kind: 'ok', text: t(what, { count: changed }) });
      store.getState().clearSelection();
      onDone();
    } catch (e) {
      setMessage({ kind: 'error', text: t('bulk.nothingChanged', { reason: describeApiError(e) }) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="bulk-bar" data-testid="bulk-bar">
      {selected.length > 0 && (
        <>
          <strong>{t('bulk.selected', { count: selected.length })}</strong>
          <span className="bulk-bar__group">
            <select value={assignee} onChange={(e) => setAssignee(e.target.value)} aria-label={t('bulk.reassignTo')}>
              <option value="">{t('bulk.reassignToPlaceholder')}</option>
              {team
                .filter((m) => m.roles.some((r) => WORKER_ROLES.includes(r)))
                .map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
            </select>
            <button
              type="button"
              className="btn btn--secondary btn--small"
              disabled={busy || !assignee}
              onClick={() => run(() => api.bulkReassign(selected, assignee), 'bulk.reassigned')}
            >
              {t('bulk.reassign')}
            </button>
          </span>
          <span className="bulk-bar__group">
            <select value={priority} onChange={(e) => setPriority(e.target.value)} aria-label={t('bulk.priority')}>
              {[1, 2, 3, 4, 5].map((p) => (
                <option key={p} value={p}>
                  P{p}
                  {p === 1 ? ` ${t('bulk.highest')}` : p === 5 ? ` ${t('bulk.lowest')}` : ''}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="btn btn--secondary btn--small"
              disabled={busy}
              onClick={() => run(() => api.bulkPriority(selected, Number(priority)), 'bulk.reprioritised')}
            >
              {t('bulk.setPriority')}
            </button>
          </span>
          <button type="button" className="btn btn--ghost btn--small" onClick={() => store.getState().clearSelection()}>
            {t('bulk.clearSelection')}
          </button>
        </>
      )}
      {message && (
        <span className={`bulk-bar__message bulk-bar__message--${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
          <button type="button" className="link" onClick={() => setMessage(null)}>
            {t('bulk.dismiss')}
          </button>
        </span>
      )}
    </div>
  );
}
