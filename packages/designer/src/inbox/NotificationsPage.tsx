import { NOTIFICATION_KINDS, type NotificationKind, type NotificationPreferencesView, type NotificationView } from '@exflow/shared';
import { useEffect, useState, type FormEvent } from 'react';
import { dateTime } from '../workspace/format.js';
import { useWorkspace } from '../workspace/WorkspaceApp.js';
import { workspaceHref } from '../workspace/workspaceRoute.js';

const KIND_LABELS: Record<NotificationKind, string> = {
  taskAssigned: 'A task is assigned to me',
  mention: 'Someone mentions me in a comment',
  slaWarning: 'My task has used 80 % of its time',
  slaBreached: 'My task is overdue (leads: any task)',
  incident: 'A case stops at a failed step (admins and leads)',
  digest: 'Daily digest of open and overdue work',
};

const STATUS_LABELS: Record<NotificationView['status'], string> = { pending: 'waiting to send', sent: 'sent', failed: 'not delivered' };

/**
 * What a person is told, and where: each kind by e-mail and/or to their own chat webhook, and
 * the latest messages with their delivery status (docs/integration.md, Notifications).
 */
export function NotificationsPage() {
  const { api } = useWorkspace();
  const [prefs, setPrefs] = useState<NotificationPreferencesView | null>(null);
  const [email, setEmail] = useState<Record<NotificationKind, boolean> | null>(null);
  const [chat, setChat] = useState<Record<NotificationKind, boolean> | null>(null);
  const [hookFormat, setHookFormat] = useState<'slack' | 'teams'>('slack');
  const [hookUrl, setHookUrl] = useState('');
  const [removeHook, setRemoveHook] = useState(false);
  const [recent, setRecent] = useState<NotificationView[]>([]);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  const show = (p: NotificationPreferencesView) => {
    setPrefs(p);
    setEmail(p.email);
    setChat(p.chat);
    if (p.chatWebhook) setHookFormat(p.chatWebhook.format);
    setHookUrl('');
    setRemoveHook(false);
  };

  useEffect(() => {
    api.notificationPreferences().then(show, (e: Error) => setMessage({ kind: 'error', text: e.message }));
    api.myNotifications().then(setRecent, () => setRecent([]));
  }, [api]);

  const chatOn = chat ? Object.values(chat).some(Boolean) : false;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!email || !chat) return;
    if (chatOn && !prefs?.chatWebhook && !hookUrl.trim()) {
      setMessage({ kind: 'error', text: 'Give your chat webhook URL to receive messages by chat, or turn the chat boxes off.' });
      return;
    }
    setSaving(true);
    try {
      const chatWebhook = removeHook ? null : hookUrl.trim() ? { format: hookFormat, url: hookUrl.trim() } : undefined;
      show(
        await api.setNotificationPreferences({ email, chat: removeHook ? Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, false])) : chat, chatWebhook }),
      );
      setMessage({ kind: 'ok', text: 'Notification settings saved.' });
    } catch (e) {
      setMessage({ kind: 'error', text: (e as Error).message });
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="case-page notifications-page" data-testid="notifications-page">
      <h1>Notifications</h1>
      {prefs && !prefs.emailEnabled && (
        <p className="banner" role="note">
          This Exflow sends no e-mail yet (an administrator sets the mail server). Chat messages still work.
        </p>
      )}
      {!email || !chat ? (
        <p className="ws-muted">Loading…</p>
      ) : (
        <form onSubmit={save} data-testid="notification-preferences">
          <table className="ws-table">
            <caption className="ws-muted">Tell me when…</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">E-mail</th>
                <th scope="col">Chat</th>
              </tr>
            </thead>
            <tbody>
              {NOTIFICATION_KINDS.map((kind) => (
                <tr key={kind} data-kind={kind}>
                  <th scope="row">{KIND_LABELS[kind]}</th>
                  <td>
                    <input
                      type="checkbox"
                      name={`email-${kind}`}
                      aria-label={`${KIND_LABELS[kind]}: by e-mail`}
                      checked={email[kind]}
                      onChange={(e) => setEmail({ ...email, [kind]: e.target.checked })}
                    />
                  </td>
                  <td>
                    {kind === 'digest' ? (
                      <span className="ws-muted">e-mail only</span>
                    ) : (
                      <input
                        type="checkbox"
                        name={`chat-${kind}`}
                        aria-label={`${KIND_LABELS[kind]}: by chat`}
                        checked={chat[kind]}
                        onChange={(e) => setChat({ ...chat, [kind]: e.target.checked })}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <fieldset className="notifications-page__hook">
            <legend>My chat webhook</legend>
            <p className="ws-muted">
              {prefs?.chatWebhook
                ? `Messages go to a ${prefs.chatWebhook.format === 'slack' ? 'Slack' : 'Teams'} webhook at ${prefs.chatWebhook.host}. Enter a new URL to change it.`
                : 'An incoming-webhook URL from Slack, or from a Teams workflow, that posts to you.'}
            </p>
            <label>
              Chat{' '}
              <select name="hook-format" value={hookFormat} onChange={(e) => setHookFormat(e.target.value as 'slack' | 'teams')}>
                <option value="slack">Slack</option>
                <option value="teams">Microsoft Teams</option>
              </select>
            </label>{' '}
            <label>
              Webhook URL{' '}
              <input
                type="url"
                name="hook-url"
                value={hookUrl}
                placeholder="https://hooks.slack.com/services/…"
                size={48}
                onChange={(e) => setHookUrl(e.target.value)}
              />
            </label>
            {prefs?.chatWebhook && (
              <label>
                <input type="checkbox" name="hook-remove" checked={removeHook} onChange={(e) => setRemoveHook(e.target.checked)} /> Remove my webhook
              </label>
            )}
          </fieldset>
          <button type="submit" className="btn btn--primary" disabled={saving} data-testid="notifications-save">
            {saving ? 'Saving…' : 'Save'}
          </button>
        </form>
      )}
      {message && (
        <div
          className={message.kind === 'ok' ? 'banner' : 'banner banner--error'}
          role={message.kind === 'ok' ? 'status' : 'alert'}
          data-testid="notifications-message"
        >
          {message.text}
        </div>
      )}
      <h2>Latest messages to me</h2>
      {!recent.length ? (
        <p className="ws-muted">None yet.</p>
      ) : (
        <table className="ws-table" data-testid="my-notifications">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Message</th>
              <th scope="col">By</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {recent.map((n) => (
              <tr key={n.id}>
                <td>{dateTime(n.createdAt)}</td>
                <td>{n.caseId ? <a href={workspaceHref({ page: 'case', caseId: n.caseId })}>{n.subject}</a> : n.subject}</td>
                <td>{n.channel === 'email' ? 'E-mail' : 'Chat'}</td>
                <td>{STATUS_LABELS[n.status]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
