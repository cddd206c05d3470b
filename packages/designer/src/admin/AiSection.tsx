import type { AgreementRow, AiAlertView, AiModelView } from '@exflow/shared';
import { useCallback, useEffect, useState } from 'react';
import { useApi } from '../api/ApiProvider.js';
import { describeApiError } from '../api/client.js';
import { AdminSection } from './AdminSection.js';
import { ReliabilityChart } from './ReliabilityChart.js';

/** Every text of this section, in one place (for the translation catalogue). */
const TEXT = {
  title: 'AI models',
  intro:
    'Models learn from the decisions people make on this tenant’s cases; they suggest, people decide. Retrain after a change in how the team decides, or when an alert says the model no longer fits.',
  retrain: 'Retrain now',
  retraining: 'Training…',
  trained: (r: AiModelView | null, a: AiModelView | null, skipped: number) =>
    `Trained: ${r ? `recommender v${r.version} (${r.n} decisions)` : 'no recommender (too few decisions per step)'}, ${a ? `anomaly model v${a.version}` : 'no anomaly model'}${skipped ? `; ${skipped} step(s) had too few decisions` : ''}.`,
  noModels: 'No model yet: it is trained once steps have at least 20 decisions with two outcomes or more.',
  recommender: (m: AiModelView) => `Recommender v${m.version}, trained on ${m.n} decisions about invoices issued ${range(m)}`,
  anomaly: (m: AiModelView) => `Anomaly model v${m.version}, ${m.n} invoices scored ${range(m)}`,
  anomalyFlagged: (share: number) => `${pct(share)} of them at or above the flag threshold.`,
  stepsCaption: 'Models per step (out-of-bag figures: each decision scored by the trees that did not learn from it)',
  step: 'Step',
  decisions: 'Decisions',
  accuracy: 'Accuracy',
  eceRaw: 'Calibration error before',
  ece: 'Calibration error after',
  method: 'Calibration',
  reliabilityCaption: 'Reliability: what the model said against how often it was right',
  said: 'Said (mean probability)',
  right: 'Right',
  cases: 'Suggestions',
  agreementTitle: 'Agreement per exception kind',
  agreementEmpty: 'No suggestion decided yet.',
  kind: 'Exception kind',
  suggestions: 'Suggestions',
  auto: 'Completed by the system',
  decided: 'Decided by people',
  agreed: 'Agreed',
  rate: 'Agreement',
  alertsTitle: 'Open alerts',
  alertsEmpty: 'No open alert.',
  acknowledge: 'Acknowledge',
  acknowledged: 'Alert acknowledged.',
  agreementDrift: 'Agreement drift',
  featureDrift: 'Feature drift',
  movedFeatures: 'Moved:',
};

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
const range = (m: AiModelView) => (m.trainedFrom && m.trainedTo ? `${m.trainedFrom} to ${m.trainedTo}` : '');

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
      setMessage({ tone: 'ok', text: TEXT.trained(result.recommender, result.anomaly, result.skippedSteps.length) });
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
      setMessage({ tone: 'ok', text: TEXT.acknowledged });
    } catch (e) {
      setMessage({ tone: 'error', text: describeApiError(e) });
    }
  };

  const recommender = models?.find((m) => m.kind === 'recommender');
  const anomaly = models?.find((m) => m.kind === 'anomaly');
  const steps = Object.entries((recommender?.metrics as { steps?: Record<string, StepMetrics> } | undefined)?.steps ?? {});
  const calibration = (recommender?.calibration ?? {}) as Record<string, { method?: string }>;
  return (
    <AdminSection id={id} title={TEXT.title} intro={TEXT.intro}>
      <div className="admin-inline">
        <button type="button" className="btn btn--primary" onClick={() => void retrain()} disabled={busy} data-testid="ai-retrain">
          {busy ? TEXT.retraining : TEXT.retrain}
        </button>
      </div>
      {message && (
        <p className={message.tone === 'ok' ? 'admin-ok' : 'banner banner--error'} role={message.tone === 'ok' ? 'status' : 'alert'} data-testid="ai-message">
          {message.text}
        </p>
      )}
      {models && !recommender && !anomaly && <p data-testid="ai-no-models">{TEXT.noModels}</p>}
      {recommender && (
        <div className="admin-ai__model" data-testid="ai-recommender">
          <p>{TEXT.recommender(recommender)}</p>
          <table className="admin-table" data-testid="ai-steps">
            <caption>{TEXT.stepsCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{TEXT.step}</th>
                <th scope="col">{TEXT.decisions}</th>
                <th scope="col">{TEXT.accuracy}</th>
                <th scope="col">{TEXT.eceRaw}</th>
                <th scope="col">{TEXT.ece}</th>
                <th scope="col">{TEXT.method}</th>
              </tr>
            </thead>
            <tbody>
              {steps.map(([key, m]) => (
                <tr key={key} data-step={key}>
                  <th scope="row">{key}</th>
                  <td>{m.n}</td>
                  <td>{pct(m.accuracy)}</td>
                  <td>{m.eceRaw.toFixed(3)}</td>
                  <td>{m.ece.toFixed(3)}</td>
                  <td>{calibration[key]?.method ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="admin-ai__reliability">
            <ReliabilityChart bins={recommender.reliability} />
            <table className="admin-table" data-testid="ai-reliability">
              <caption>{TEXT.reliabilityCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{TEXT.said}</th>
                  <th scope="col">{TEXT.right}</th>
                  <th scope="col">{TEXT.cases}</th>
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
          {TEXT.anomaly(anomaly)}
          {typeof anomaly.metrics.flaggedShare === 'number' ? `; ${TEXT.anomalyFlagged(anomaly.metrics.flaggedShare)}` : '.'}
        </p>
      )}
      <h3 className="admin-ai__head">{TEXT.agreementTitle}</h3>
      {agreement.length === 0 ? (
        <p>{TEXT.agreementEmpty}</p>
      ) : (
        <table className="admin-table" data-testid="ai-agreement">
          <thead>
            <tr>
              <th scope="col">{TEXT.kind}</th>
              <th scope="col">{TEXT.suggestions}</th>
              <th scope="col">{TEXT.auto}</th>
              <th scope="col">{TEXT.decided}</th>
              <th scope="col">{TEXT.agreed}</th>
              <th scope="col">{TEXT.rate}</th>
            </tr>
          </thead>
          <tbody>
            {agreement.map((r) => (
              <tr key={r.exceptionKind ?? '-'}>
                <th scope="row">{r.exceptionKind ?? '—'}</th>
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
      <h3 className="admin-ai__head">{TEXT.alertsTitle}</h3>
      {alerts.length === 0 ? (
        <p data-testid="ai-alerts-empty">{TEXT.alertsEmpty}</p>
      ) : (
        <ul className="admin-ai__alerts" data-testid="ai-alerts">
          {alerts.map((a) => (
            <li key={a.id} data-kind={a.kind}>
              <strong>{a.kind === 'feature-drift' ? TEXT.featureDrift : `${TEXT.agreementDrift}: ${a.exceptionKind ?? '—'}`}</strong> {a.message}
              {a.features.length > 0 && (
                <span className="admin-ai__moved">
                  {' '}
                  {TEXT.movedFeatures} {a.features.map((f) => `${f.feature} (PSI ${f.psi.toFixed(2)})`).join(', ')}
                </span>
              )}{' '}
              <button type="button" className="btn btn--ghost btn--small" onClick={() => void acknowledge(a)} aria-label={`${TEXT.acknowledge}: ${a.message}`}>
                {TEXT.acknowledge}
              </button>
            </li>
          ))}
        </ul>
      )}
    </AdminSection>
  );
}
