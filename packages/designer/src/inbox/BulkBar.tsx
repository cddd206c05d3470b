import { useState } from 'react';
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
  const [assignee, setAssignee] = useState('');
  const [priority, setPriority] = useState('1');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  if (!selected.length && !message) return null;
  const run = async (action: () => Promise<{ changed: number }>, what: string) => {
    setBusy(true);
    setMessage(null);
    try {
      const { changed } = await action();
      setMessage({ kind: 'ok', text: `${what} ${changed} task${changed === 1 ? '' : 's'}.` });
      store.getState().clearSelection();
      onDone();
    } catch (e) {
      setMessage({ kind: 'error', text: `Nothing was changed. ${describeApiError(e)}` });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="bulk-bar" data-testid="bulk-bar">
      {selected.length > 0 && (
        <>
          <strong>{selected.length} selected</strong>
          <span className="bulk-bar__group">
            <select value={assignee} onChange={(e) => setAssignee(e.target.value)} aria-label="Reassign to">
              <option value="">Reassign to…</option>
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
              onClick={() => run(() => api.bulkReassign(selected, assignee), 'Reassigned')}
            >
              Reassign
            </button>
          </span>
          <span className="bulk-bar__group">
            <select value={priority} onChange={(e) => setPriority(e.target.value)} aria-label="Priority">
              {[1, 2, 3, 4, 5].map((p) => (
                <option key={p} value={p}>
                  P{p}
                  {p === 1 ? ' (highest)' : p === 5 ? ' (lowest)' : ''}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="btn btn--secondary btn--small"
              disabled={busy}
              onClick={() => run(() => api.bulkPriority(selected, Number(priority)), 'Re-prioritised')}
            >
              Set priority
            </button>
          </span>
          <button type="button" className="btn btn--ghost btn--small" onClick={() => store.getState().clearSelection()}>
            Clear selection
          </button>
        </>
      )}
      {message && (
        <span className={`bulk-bar__message bulk-bar__message--${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
          <button type="button" className="link" onClick={() => setMessage(null)}>
            dismiss
          </button>
        </span>
      )}
    </div>
  );
}
