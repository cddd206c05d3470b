import type { InvoiceLine, MatchResult } from '@exflow/shared';
import { useTranslation } from 'react-i18next';
import { dateTime, money } from './format.js';
import type { Evidence } from './workspaceApi.js';

type Finding = MatchResult['findings'][number];

/**
 * The invoice beside its PO lines and goods receipts, a row per invoice line, with what the
 * 3-way match (`vars.match`) found highlighted on the cell it concerns: the price, the
 * quantity, or the whole line when it is not on the PO.
 */
export function MatchTable({ evidence, match }: { evidence: Evidence; match: MatchResult | undefined }) {
  const { t } = useTranslation();
  const invoice = evidence.invoice?.body;
  if (!invoice) return <p className="ws-muted">{t('match.noInvoice')}</p>;
  const po = evidence.purchaseOrder;
  const currency = invoice.currency;
  const findingsOf = (lineId: string) => (match?.findings ?? []).filter((f) => f.lineId === lineId);
  return (
    <div className="match">
      <div className="match__head">
        <span>
          {match ? (
            <>
              <strong>{t('match.mode', { mode: match.mode })}</strong> {t('match.against', { po: po ? po.poNumber : (invoice.poNumber ?? t('match.none')) })}:{' '}
              {match.withinTolerance ? (
                <span className="chip chip--ok">{t('match.withinTolerance')}</span>
              ) : (
                <span className="chip chip--bad">{t('match.findings', { count: match.findings.length })}</span>
              )}
            </>
          ) : (
            <>{po ? t('match.notRunPo', { po: po.poNumber }) : t('match.notRun')}</>
          )}
        </span>
        {match && (
          <span className="ws-muted">
            {t('match.valueAtRisk')} <strong className="match__risk">{money(match.valueAtRisk, currency)}</strong>
          </span>
        )}
      </div>
      <table className="ws-table match-table" data-testid="match-table">
        <thead>
          <tr>
            <th>{t('match.line')}</th>
            <th>{t('match.description')}</th>
            <th className="num">{t('match.invoicedQty')}</th>
            <th className="num">{t('match.receivedQty')}</th>
            <th className="num">{t('match.orderedQty')}</th>
            <th className="num">{t('match.invoicePrice')}</th>
            <th className="num">{t('match.poPrice')}</th>
            <th className="num">{t('match.priceVar')}</th>
            <th className="num">{t('match.qtyVar')}</th>
            <th>{t('match.receipts')}</th>
          </tr>
        </thead>
        <tbody>
          {invoice.lines.map((line, index) => {
            const lineId = line.lineId ?? String(index + 1);
            return <MatchRow key={lineId} lineId={lineId} line={line} evidence={evidence} match={match} findings={findingsOf(lineId)} currency={currency} />;
          })}
        </tbody>
      </table>
      {match?.findings
        .filter((f) => !f.lineId)
        .map((f, i) => (
          <div key={i} className={`finding finding--${f.severity}`}>
            {f.message}
          </div>
        ))}
    </div>
  );
}

function MatchRow(props: { lineId: string; line: InvoiceLine; evidence: Evidence; match: MatchResult | undefined; findings: Finding[]; currency: string }) {
  const { lineId, line, evidence, match, findings, currency } = props;
  const matched = match?.lines.find((l) => l.lineId === lineId);
  const poLineId = matched?.poLineId ?? line.poLineRef ?? lineId;
  const poLine = evidence.purchaseOrder?.lines.find((l) => l.lineId === poLineId);
  const kinds = new Set(findings.map((f) => f.kind));
  const priceBad = kinds.has('priceVariance') || kinds.has('amountVariance');
  const qtyBad = kinds.has('quantityVariance') || kinds.has('missingGoodsReceipt');
  const unmatched = kinds.has('unmatchedLine') || (match && !matched?.poLineId);
  const state = !match ? '' : unmatched ? 'is-unmatched' : matched?.withinTolerance ? 'is-ok' : 'is-off';
  const pct = matched?.priceVariancePct;
  const qtyVar = matched?.quantityVariance;
  const { t } = useTranslation();
  return (
    <>
      <tr className={`match-row ${state}`} data-line={lineId}>
        <td>
          {lineId}
          {poLine ? <span className="ws-muted"> → PO {poLine.lineId}</span> : null}
        </td>
        <td>{line.description}</td>
        <td className={`num ${qtyBad ? 'cell-bad' : ''}`}>{line.quantity}</td>
        <td className={`num ${qtyBad ? 'cell-bad' : ''}`}>{matched?.receivedQuantity ?? poLine?.receivedQuantity ?? '—'}</td>
        <td className="num">{matched?.orderedQuantity ?? poLine?.quantity ?? '—'}</td>
        <td className={`num ${priceBad ? 'cell-bad' : ''}`}>{money(line.unitPrice, currency)}</td>
        <td className={`num ${priceBad ? 'cell-bad' : ''}`}>{poLine ? money(poLine.unitPrice, currency) : '—'}</td>
        <td className={`num ${priceBad ? 'cell-bad strong' : ''}`} data-testid="price-variance">
          {pct === null || pct === undefined ? '—' : `${pct > 0 ? '+' : ''}${pct} %`}
        </td>
        <td className={`num ${qtyBad ? 'cell-bad strong' : ''}`}>
          {qtyVar === null || qtyVar === undefined ? '—' : `${Number(qtyVar) > 0 ? '+' : ''}${qtyVar}`}
        </td>
        <td className="match-row__receipts">
          {poLine?.receipts.length ? (
            poLine.receipts.map((r) => (
              <span key={r.id} title={dateTime(r.receivedAt)}>
                {r.id} × {r.quantity}
              </span>
            ))
          ) : (
            <span className="ws-muted">{t('match.noReceipts')}</span>
          )}
        </td>
      </tr>
      {findings.map((f, i) => (
        <tr key={i} className="match-finding">
          <td />
          <td colSpan={9}>
            <span className={`finding finding--${f.severity}`}>{f.message}</span>
            <span className="ws-muted"> {t('match.atRisk', { amount: money(f.valueAtRisk, currency) })}</span>
          </td>
        </tr>
      ))}
    </>
  );
}
