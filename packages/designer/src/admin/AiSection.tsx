import type { AgreementRow, AiAlertView, AiModelView } from '@exflow/shared';
import type { TFunction } from 'i18next';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/ApiProvider.js';
import { describeApiError } from '../api/client.js';
import { calendarDate, decimal, exceptionLabel, percent } from '../workspace/format.js';
import { AdminSection } from './AdminSection.js';
import { ReliabilityChart } from './ReliabilityChart.js';

const pct = (share: number) => percent(share, 1);
/** "2026-01-01 to 2026-06-30" in the user's locale and words; empty when the model does not say. */
const range = (m: AiModelView, t: TFunction) =>
  m.trainedFrom && m.trainedTo ? t('admin.ai.range', { from: calendarDate(m.trainedFrom), to: calendarDate(m.trainedTo) }) : '';

interface StepMetrics {
  n: number;
  accuracy: number;
  eceRaw: number;
  ece: number;
}

/**
 * The tenant's AI at a glance for an admin: the newest models (per step: decisions, accuracy,
 * calibration error before and after calibration, and the reliability curve), how often people
 * agreed with the suggestions per exception kind, the open drift alerts (acknowledge), and a
 * button that retrains now.
 */
export function AiSection({ id }: { id: string }) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [models, setModels] = useState<AiModelView[] | null>(null);
  const [agreement, setAgreement] = useState<AgreementRow[]>([]);
  const [alerts, setAlerts] = useState<AiAlertView[]>([]);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const refresh = useCallback(async () => {
    const [m, g, a] = await Promise.all([api.listAiModels(), api.getAiAgreement(), api.listAiAlerts()]);
    setModels(m);
    setAgreement(g);
    setAlerts(a);
  }, [api]);
  useEffect(() => {
    refresh().catch((e) => setMessage({ tone: 'error', text: describeApiError(e) }));
  }, [refresh]);

  const retrain = async () => {
    setBusy(true);
    try {
      const result = await api.trainAiModels();
      await refresh();
      const { recommender: r, anomaly: a, skippedSteps } = result;
      setMessage({
        tone: 'ok',
        text: t('admin.ai.trained', {
          recommender: r ? t('admin.ai.trainedRecommender', { version: r.version, n: r.n }) : t('admin.ai.noRecommender'),
          anomaly: a ? t('admin.ai.trainedAnomaly', { version: a.version }) : t('admin.ai.noAnomaly'),
          skipped: skippedSteps.length ? t('admin.ai.skippedSteps', { n: skippedSteps.length }) : '',
        }),
      });
    } catch (e) {
      setMessage({ tone: 'error', text: describeApiError(e) });
    } finally {
      setBusy(false);
    }
  };
  const acknowledge = async (alert: AiAlertView) => {
    try {
      await api.acknowledgeAiAlert(alert.id);
      await refresh();
      setMessage({ tone: 'ok', text: t('admin.ai.acknowledged') });
    } catch (e) {
      setMessage({ tone: 'error', text: describeApiError(e) });
    }
  };

  const recommender = models?.find((m) => m.kind === 'recommender');
  const anomaly = models?.find((m) => m.kind === 'anomaly');
  const steps = Object.entries((recommender?.metrics as { steps?: Record<string, StepMetrics> } | undefined)?.steps ?? {});
  const calibration = (recommender?.calibration ?? {}) as Record<string, { method?: string }>;
  return (
    <AdminSection id={id} title={t('admin.ai.title')} intro={t('admin.ai.intro')}>
      <div className="admin-inline">
        <button type="button" className="btn btn--primary" onClick={() => void retrain()} disabled={busy} data-testid="ai-retrain">
          {busy ? t('admin.ai.retraining') : t('admin.ai.retrain')}
        </button>
      </div>
      {message && (
        <p className={message.tone === 'ok' ? 'admin-ok' : 'banner banner--error'} role={message.tone === 'ok' ? 'status' : 'alert'} data-testid="ai-message">
          {message.text}
        </p>
      )}
      {models && !recommender && !anomaly && <p data-testid="ai-no-models">{t('admin.ai.noModels')}</p>}
      {recommender && (
        <div className="admin-ai__model" data-testid="ai-recommender">
          <p>{t('admin.ai.recommender', { version: recommender.version, n: recommender.n, range: range(recommender, t) })}</p>
          <table className="admin-table" data-testid="ai-steps">
            <caption>{t('admin.ai.stepsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.ai.step')}</th>
                <th scope="col">{t('admin.ai.decisions')}</th>
                <th scope="col">{t('admin.ai.accuracy')}</th>
                <th scope="col">{t('admin.ai.eceRaw')}</th>
                <th scope="col">{t('admin.ai.ece')}</th>
                <th scope="col">{t('admin.ai.method')}</th>
              </tr>
            </thead>
            <tbody>
              {steps.map(([key, m]) => (
                <tr key={key} data-step={key}>
                  <th scope="row">{key}</th>
                  <td>{m.n}</td>
                  <td>{pct(m.accuracy)}</td>
                  <td>{decimal(m.eceRaw, 3)}</td>
                  <td>{decimal(m.ece, 3)}</td>
                  <td>{calibration[key]?.method ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="admin-ai__reliability">
            <ReliabilityChart bins={recommender.reliability} />
            <table className="admin-table" data-testid="ai-reliability">
              <caption>{t('admin.ai.reliabilityCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.ai.said')}</th>
                  <th scope="col">{t('admin.ai.right')}</th>
                  <th scope="col">{t('admin.ai.cases')}</th>
                </tr>
              </thead>
              <tbody>
                {recommender.reliability
                  .filter((b) => b.count > 0 && b.predicted !== null && b.observed !== null)
                  .map((b) => (
                    <tr key={b.from}>
                      <td>{pct(b.predicted!)}</td>
                      <td>{pct(b.observed!)}</td>
                      <td>{b.count}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
      {anomaly && (
        <p data-testid="ai-anomaly-model">
          {t('admin.ai.anomaly', { version: anomaly.version, n: anomaly.n, range: range(anomaly, t) })}
          {typeof anomaly.metrics.flaggedShare === 'number' ? `; ${t('admin.ai.anomalyFlagged', { share: pct(anomaly.metrics.flaggedShare) })}` : '.'}
        </p>
      )}
      <h3 className="admin-ai__head">{t('admin.ai.agreementTitle')}</h3>
      {agreement.length === 0 ? (
        <p>{t('admin.ai.agreementEmpty')}</p>
      ) : (
        <table className="admin-table" data-testid="ai-agreement">
          <thead>
            <tr>
              <th scope="col">{t('admin.ai.kind')}</th>
              <th scope="col">{t('admin.ai.suggestions')}</th>
              <th scope="col">{t('admin.ai.auto')}</th>
              <th scope="col">{t('admin.ai.decided')}</th>
              <th scope="col">{t('admin.ai.agreed')}</th>
              <th scope="col">{t('admin.ai.rate')}</th>
            </tr>
          </thead>
          <tbody>
            {agreement.map((r) => (
              <tr key={r.exceptionKind ?? '-'}>
                <th scope="row">{exceptionLabel(r.exceptionKind)}</th>
                <td>{r.suggestions}</td>
                <td>{r.auto}</td>
                <td>{r.decided}</td>
                <td>{r.agreed}</td>
                <td>{r.agreementRate === null ? '—' : pct(r.agreementRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3 className="admin-ai__head">{t('admin.ai.alertsTitle')}</h3>
      {alerts.length === 0 ? (
        <p data-testid="ai-alerts-empty">{t('admin.ai.alertsEmpty')}</p>
      ) : (
        <ul className="admin-ai__alerts" data-testid="ai-alerts">
          {alerts.map((a) => (
            <li key={a.id} data-kind={a.kind}>
              <strong>
                {a.kind === 'feature-drift' ? t('admin.ai.featureDrift') : t('admin.ai.agreementDrift', { kind: exceptionLabel(a.exceptionKind) })}
              </strong>{' '}
              {a.message}
              {a.features.length > 0 && (
                <span className="admin-ai__moved">
                  {' '}
                  {t('admin.ai.movedFeatures')} {a.features.map((f) => `${f.feature} (PSI ${decimal(f.psi, 2)})`).join(', ')}
                </span>
              )}{' '}
              <button
                type="button"
                className="btn btn--ghost btn--small"
                onClick={() => void acknowledge(a)}
                aria-label={t('admin.ai.acknowledgeNamed', { message: a.message })}
              >
                {t('admin.ai.acknowledge')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </AdminSection>
  );
}
