import { useTranslation } from 'react-i18next';
import { useCallback, useEffect, useState } from 'react';
import { dateTime, relative } from '../workspace/format.js';
import { useNow } from '../workspace/useNow.js';
import { useWorkspace } from '../workspace/WorkspaceApp.js';
import type { Incident } from '../workspace/workspaceApi.js';
import { workspaceHref } from '../workspace/workspaceRoute.js';
import { useLive, useLiveMessage } from '../workspace/live.js';

const RETRY_ROLES = ['tenant_admin', 'process_owner'];

const REASONS = ['attempts', 'deadline', 'non-retryable'] as const;

/**
 * Cases waiting at a step whose call failed past its retry policy, across the tenant. Retry
 * calls the outside system again; when it answers, the case goes on and the row leaves the list.
 */
export function IncidentsPage() {
  const { api, user } = useWorkspace();
  const { t } = useTranslation();
  const { connection } = useLive();
  const now = useNow(30_000);
  const [incidents, setIncidents] = useState<Incident[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const canRetry = user.roles.some((r) => RETRY_ROLES.includes(r));

  const load = useCallback(() => {
    api.incidents().then(
      (list) => {
        setIncidents(list);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, [api]);
  useEffect(load, [load, connection]);
  // a case entering or leaving an incident changes the list
  useLiveMessage('case.changed', (m) => {
    if (m.status === 'incident' || incidents?.some((i) => i.caseId === m.caseId)) load();
  });

  const retry = async (incident: Incident) => {
    setBusy(incident.id);
    try {
      await api.retryEffect(incident.caseId, incident.effectId);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
      load();
    }
  };

  return (
    <section className="case-page" data-testid="incidents-page">
      <h1>{t('incidents.title')}</h1>
      <p className="ws-muted">{t('incidents.lead')}</p>
      {error && (
        <div className="banner banner--error" role="alert">
          {error}
        </div>
      )}
      {!incidents ? (
        <p className="ws-muted">{t('common.loading')}</p>
      ) : !incidents.length ? (
        <p className="ws-muted" data-testid="incidents-empty">
          {t('incidents.none')}
        </p>
      ) : (
        <table className="ws-table" data-testid="incidents-table">
          <thead>
            <tr>
              <th>{t('incidents.case')}</th>
              <th>{t('incidents.step')}</th>
              <th>{t('incidents.error')}</th>
              <th>{t('incidents.attempts')}</th>
              <th>{t('incidents.since')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {incidents.map((i) => (
              <tr key={i.id} data-testid="incident-row">
                <td>
                  <a href={workspaceHref({ page: 'case', caseId: i.caseId })}>{i.caseId.slice(0, 8)}</a>
                </td>
                <td>
                  {i.nodeId}
                  {i.service && <span className="ws-muted"> · {i.service}</span>}
                </td>
                <td>
                  {i.error}
                  <div className="ws-muted">
                    {(REASONS as readonly string[]).includes(i.reason) ? t(`incidents.reason.${i.reason as (typeof REASONS)[number]}`) : i.reason}
                  </div>
                </td>
                <td>{i.attempts}</td>
                <td title={dateTime(i.raisedAt)}>{relative(i.raisedAt, now)}</td>
                <td>
                  {canRetry && (
                    <button type="button" className="btn btn--small" disabled={busy === i.id} onClick={() => retry(i)}>
                      {busy === i.id ? t('incidents.retrying') : t('incidents.retry')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
