import { NOTIFICATION_KINDS, type NotificationKind, type NotificationPreferencesView, type NotificationView } from '@exflow/shared';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { dateTime } from '../workspace/format.js';
import { useWorkspace } from '../workspace/WorkspaceApp.js';
import { workspaceHref } from '../workspace/workspaceRoute.js';

/**
 * What a person is told, and where: each kind by e-mail and/or to their own chat webhook, and
 * the latest messages with their delivery status (docs/integration.md, Notifications).
 */
export function NotificationsPage() {
  const { api } = useWorkspace();
  const { t } = useTranslation();
  const kindLabel = (kind: NotificationKind) => t(`notifyKind.${kind}`);
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
      setMessage({ kind: 'error', text: t('notifications.needWebhook') });
      return;
    }
    setSaving(true);
    try {
      const chatWebhook = removeHook ? null : hookUrl.trim() ? { format: hookFormat, url: hookUrl.trim() } : undefined;
      show(
        await api.setNotificationPreferences({ email, chat: removeHook ? Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, false])) : chat, chatWebhook }),
      );
      setMessage({ kind: 'ok', text: t('notifications.saved') });
    } catch (e) {
      setMessage({ kind: 'error', text: (e as Error).message });
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="case-page notifications-page" data-testid="notifications-page">
      <h1>{t('notifications.title')}</h1>
      {prefs && !prefs.emailEnabled && (
        <p className="banner" role="note">
          {t('notifications.noEmail')}
        </p>
      )}
      {!email || !chat ? (
        <p className="ws-muted">{t('common.loading')}</p>
      ) : (
        <form onSubmit={save} data-testid="notification-preferences">
          <table className="ws-table">
            <caption className="ws-muted">{t('notifications.tellMe')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('notifications.event')}</th>
                <th scope="col">{t('notifications.email')}</th>
                <th scope="col">{t('notifications.chat')}</th>
              </tr>
            </thead>
            <tbody>
              {NOTIFICATION_KINDS.map((kind) => (
                <tr key={kind} data-kind={kind}>
                  <th scope="row">{kindLabel(kind)}</th>
                  <td>
                    <input
                      type="checkbox"
                      name={`email-${kind}`}
                      aria-label={t('notifications.byEmail', { kind: kindLabel(kind) })}
                      checked={email[kind]}
                      onChange={(e) => setEmail({ ...email, [kind]: e.target.checked })}
                    />
                  </td>
                  <td>
                    {kind === 'digest' ? (
                      <span className="ws-muted">{t('notifications.emailOnly')}</span>
                    ) : (
                      <input
                        type="checkbox"
                        name={`chat-${kind}`}
                        aria-label={t('notifications.byChat', { kind: kindLabel(kind) })}
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
            <legend>{t('notifications.myWebhook')}</legend>
            <p className="ws-muted">
              {prefs?.chatWebhook
                ? t('notifications.webhookAt', { format: prefs.chatWebhook.format === 'slack' ? 'Slack' : 'Teams', host: prefs.chatWebhook.host })
                : t('notifications.webhookHelp')}
            </p>
            <label>
              {t('notifications.chat')}{' '}
              <select name="hook-format" value={hookFormat} onChange={(e) => setHookFormat(e.target.value as 'slack' | 'teams')}>
                <option value="slack">Slack</option>
                <option value="teams">Microsoft Teams</option>
              </select>
            </label>{' '}
            <label>
              {t('notifications.webhookUrl')}{' '}
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
                <input type="checkbox" name="hook-remove" checked={removeHook} onChange={(e) => setRemoveHook(e.target.checked)} />{' '}
                {t('notifications.removeWebhook')}
              </label>
            )}
          </fieldset>
          <button type="submit" className="btn btn--primary" disabled={saving} data-testid="notifications-save">
            {saving ? t('topbar.saving') : t('common.save')}
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
      <h2>{t('notifications.latest')}</h2>
      {!recent.length ? (
        <p className="ws-muted">{t('notifications.noneYet')}</p>
      ) : (
        <table className="ws-table" data-testid="my-notifications">
          <thead>
            <tr>
              <th scope="col">{t('notifications.when')}</th>
              <th scope="col">{t('notifications.message')}</th>
              <th scope="col">{t('notifications.by')}</th>
              <th scope="col">{t('notifications.status')}</th>
            </tr>
          </thead>
          <tbody>
            {recent.map((n) => (
              <tr key={n.id}>
                <td>{dateTime(n.createdAt)}</td>
                <td>{n.caseId ? <a href={workspaceHref({ page: 'case', caseId: n.caseId })}>{n.subject}</a> : n.subject}</td>
                <td>{n.channel === 'email' ? t('notifications.email') : t('notifications.chat')}</td>
                <td>{t(`notifications.${n.status}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
