import type { TriageFinding } from '@exflow/shared';
import { exceptionLabel, money } from './format.js';
import type { StoredInvoice } from './workspaceApi.js';

const OUTCOME_TEXT: Record<string, string> = {
  exception: 'Triage found these at intake and routed the invoice here.',
  started: 'Triage found nothing; the invoice started this flow.',
  touchless: 'Triage found nothing: touchless.',
  unrouted: 'Triage found these, but no routing rule matched.',
};

const figureText = (value: unknown): string => {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map(figureText).join(', ');
  if (typeof value === 'object') {
    const earlier = value as { invoiceNumber?: string; issueDate?: string; match?: string };
    if (earlier.invoiceNumber)
      return `${earlier.invoiceNumber}${earlier.issueDate ? ` of ${earlier.issueDate}` : ''}${earlier.match ? ` (${earlier.match})` : ''}`;
    return JSON.stringify(value);
  }
  return String(value);
};

/**
 * What triage found when the invoice arrived, as stored with it: one row per finding, riskiest
 * first, with its severity, kind, the rule it breaks, the figures behind it and the money at risk.
 */
export function FindingsPanel({ invoice }: { invoice: StoredInvoice | null }) {
  if (!invoice) return <p className="ws-muted">Loading…</p>;
  const currency = invoice.body.currency;
  const findings: TriageFinding[] = invoice.findings;
  if (invoice.triageOutcome === null) return <p className="ws-muted">This invoice arrived before triage; nothing is stored for it.</p>;
  return (
    <div data-testid="triage-findings" data-outcome={invoice.triageOutcome}>
      <p className="ws-muted">{OUTCOME_TEXT[invoice.triageOutcome] ?? invoice.triageOutcome}</p>
      {findings.length > 0 && (
        <table className="ws-table findings-table">
          <thead>
            <tr>
              <th>Severity</th>
              <th>Finding</th>
              <th>Rule</th>
              <th>Figures</th>
              <th className="num">At risk</th>
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
                  {f.lineId && <span className="ws-muted"> line {f.lineId}</span>}
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
