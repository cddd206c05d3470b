import type { TriageFinding } from '@exflow/shared';
import { useTranslation } from 'react-i18next';
import { i18n } from '../i18n/i18n.js';
import { calendarDate, exceptionLabel, money } from './format.js';
import type { StoredInvoice } from './workspaceApi.js';

const OUTCOMES = ['exception', 'started', 'touchless', 'unrouted'] as const;
const outcomeText = (outcome: string) =>
  (OUTCOMES as readonly string[]).includes(outcome) ? i18n.t(`findings.${outcome as (typeof OUTCOMES)[number]}`) : outcome;

const figureText = (value: unknown): string => {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map(figureText).join(', ');
  if (typeof value === 'object') {
    const earlier = value as { invoiceNumber?: string; issueDate?: string; match?: string };
    if (earlier.invoiceNumber)
      return `${earlier.issueDate ? i18n.t('findings.earlierOf', { number: earlier.invoiceNumber, date: calendarDate(earlier.issueDate) }) : earlier.invoiceNumber}${earlier.match ? ` (${earlier.match})` : ''}`;
    return JSON.stringify(value);
  }
  return String(value);
};

/**
 * What triage found when the invoice arrived, as stored with it: one row per finding, riskiest
 * first, with its severity, kind, the rule it breaks, the figures behind it and the money at risk.
 */
export function FindingsPanel({ invoice }: { invoice: StoredInvoice | null }) {
  const { t } = useTranslation();
  if (!invoice) return <p className="ws-muted">{t('common.loading')}</p>;
  const currency = invoice.body.currency;
  const findings: TriageFinding[] = invoice.findings;
  if (invoice.triageOutcome === null) return <p className="ws-muted">{t('findings.beforeTriage')}</p>;
  return (
    <div data-testid="triage-findings" data-outcome={invoice.triageOutcome}>
      <p className="ws-muted">{outcomeText(invoice.triageOutcome)}</p>
      {findings.length > 0 && (
        <table className="ws-table findings-table">
          <thead>
            <tr>
              <th>{t('findings.severity')}</th>
              <th>{t('findings.finding')}</th>
              <th>{t('findings.rule')}</th>
              <th>{t('findings.figures')}</th>
              <th className="num">{t('findings.atRisk')}</th>
            </tr>
          </thead>
          <tbody>
            {findings.map((f, i) => (
              <tr key={i} data-testid="triage-finding" data-kind={f.kind} data-rule={f.ruleId}>
                <td>
                  <span className={`finding finding--${f.severity}`}>{f.severity}</span>
                </td>
                <td>
                  <span className="exc-chip">{exceptionLabel(f.kind)}</span>
                  {f.lineId && <span className="ws-muted"> {t('findings.line', { line: f.lineId })}</span>}
                  <div className="findings-table__message">{f.message}</div>
                </td>
                <td>
                  <code>{f.ruleId}</code>
                </td>
                <td>
                  {f.figures && (
                    <dl className="kv findings-table__figures">
                      {Object.entries(f.figures).map(([name, value]) => (
                        <div key={name}>
                          <dt>{name}</dt>
                          <dd>{figureText(value)}</dd>
                        </div>
                      ))}
                    </dl>
                  )}
                </td>
                <td className="num">
                  <strong>{money(f.valueAtRisk, currency)}</strong>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
