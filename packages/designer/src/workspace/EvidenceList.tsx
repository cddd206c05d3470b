import type { Finding } from '@exflow/shared';
import { useTranslation } from 'react-i18next';
import { calendarDate, exceptionLabel, money } from './format.js';
import type { CaseDetail, Evidence } from './workspaceApi.js';

/** A finding as a check result kept in the case's context carries it (read from open JSON: only the kind is sure). */
type FindingLike = Pick<Finding, 'kind'> & Partial<Pick<Finding, 'severity' | 'message' | 'valueAtRisk'>>;

const findingsOf = (result: unknown): FindingLike[] | null => {
  const findings = result && typeof result === 'object' ? (result as { findings?: unknown }).findings : undefined;
  return Array.isArray(findings) ? (findings as FindingLike[]) : null;
};

/**
 * The evidence the flow gathered: every check result it kept (its findings with the money at
 * risk), the decisions already taken, failed steps, and the supplier's master record.
 */
export function EvidenceList({
  detail,
  evidence,
  nodeLabel,
  nameOf,
}: {
  detail: CaseDetail;
  evidence: Evidence | null;
  nodeLabel(id: string): string;
  nameOf(id: string | null): string;
}) {
  const { t } = useTranslation();
  const currency = evidence?.invoice?.body.currency ?? 'EUR';
  const checks = Object.entries(detail.context.vars).filter(([, v]) => findingsOf(v));
  const decisions = Object.entries(detail.context.tasks);
  const errors = Object.entries(detail.context.errors);
  const supplier = evidence?.supplier;
  return (
    <div className="evidence" data-testid="evidence">
      {checks.map(([name, result]) => {
        const findings = findingsOf(result)!;
        const atRisk = (result as { valueAtRisk?: string }).valueAtRisk;
        return (
          <div key={name} className="evidence__item">
            <div className="evidence__title">
              <strong>{name}</strong>
              {findings.length ? (
                <span className="chip chip--bad">{t('match.findings', { count: findings.length })}</span>
              ) : (
                <span className="chip chip--ok">{t('evidence.clean')}</span>
              )}
              {atRisk !== undefined && <span className="ws-muted">{t('evidence.atRisk', { amount: money(atRisk, currency) })}</span>}
            </div>
            <ul className="evidence__findings">
              {findings.map((f, i) => (
                <li key={i} className={`finding finding--${f.severity ?? 'info'}`}>
                  <span className="exc-chip">{exceptionLabel(f.kind)}</span> {f.message}
                </li>
              ))}
            </ul>
          </div>
        );
      })}
      {errors.map(([nodeId, error]) => (
        <div key={nodeId} className="evidence__item">
          <div className="evidence__title">
            <strong>{nodeLabel(nodeId)}</strong> <span className="chip chip--bad">{t('evidence.failed')}</span>
          </div>
          <div className="finding finding--high">{String(error)}</div>
        </div>
      ))}
      {decisions.map(([nodeId, d]) => (
        <div key={nodeId} className="evidence__item">
          <div className="evidence__title">
            <strong>{nodeLabel(nodeId)}</strong> <span className="chip chip--ok">{d.outcome}</span>{' '}
            <span className="ws-muted">{t('evidence.by', { name: nameOf(d.by) })}</span>
          </div>
          {Object.keys(d.data).length > 0 && (
            <div className="ws-muted">
              {Object.entries(d.data)
                .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
                .join(' · ')}
            </div>
          )}
        </div>
      ))}
      {supplier && (
        <div className="evidence__item">
          <div className="evidence__title">
            <strong>{t('evidence.supplierRecord')}</strong>
          </div>
          <dl className="kv">
            <dt>{t('evidence.name')}</dt>
            <dd>{supplier.name}</dd>
            <dt>{t('evidence.taxId')}</dt>
            <dd>{supplier.taxId ?? '—'}</dd>
            <dt>{t('evidence.country')}</dt>
            <dd>{supplier.country ?? '—'}</dd>
            <dt>{t('evidence.bankAccount')}</dt>
            <dd>
              {supplier.bankAccount ?? '—'}
              {supplier.bankAccountChangedAt && (
                <span className="finding finding--warning"> {t('evidence.changed', { date: calendarDate(supplier.bankAccountChangedAt) })}</span>
              )}
            </dd>
          </dl>
        </div>
      )}
      {!checks.length && !errors.length && !decisions.length && !supplier && <p className="ws-muted">{t('evidence.none')}</p>}
    </div>
  );
}
