import { Decimal } from 'decimal.js';
import type { Invoice } from '../invoice/invoice.js';
import type { Finding } from './finding.js';

/** A purchase order as the match needs it: ordered and received quantities per line. */
export interface MatchPurchaseOrder {
  poNumber: string;
  currency: string;
  /** Service POs are matched 2-way: against the order, with no goods receipt. */
  kind: 'goods' | 'service';
  lines: { lineId: string; quantity: string; unitPrice: string; receivedQuantity: string }[];
}

export interface MatchTolerances {
  /** Largest accepted unit price increase over the PO, in percent. */
  priceTolerancePct?: number;
  /** Largest accepted quantity over the received (or, 2-way, ordered) quantity, in percent. */
  quantityTolerancePct?: number;
  /** Largest accepted money over the PO per line, whatever the percentage. */
  amountTolerance?: number;
}

export interface MatchedLine {
  lineId: string;
  poLineId: string | null;
  invoicedQuantity: string;
  receivedQuantity: string | null;
  orderedQuantity: string | null;
  invoiceUnitPrice: string;
  poUnitPrice: string | null;
  priceVariancePct: number | null;
  quantityVariance: string | null;
  withinTolerance: boolean;
}

export interface MatchResult {
  withinTolerance: boolean;
  mode: '3-way' | '2-way';
  poNumber: string | null;
  /** Largest unit-price increase over the PO, percent, rounded to 4 places (for FEEL routing). */
  maxPriceVariancePct: number;
  maxQuantityVariance: number;
  valueAtRisk: string;
  lines: MatchedLine[];
  findings: Finding[];
}

const pct = (d: Decimal) => d.toDecimalPlaces(4).toNumber();

/**
 * Matches an invoice against its purchase order: per line, price variance =
 * (invoice unit price − PO unit price) / PO unit price, quantity variance = invoiced − received
 * (2-way for service POs: invoiced − ordered). All arithmetic in decimals.
 * @example threeWayMatch(invoice, po, { priceTolerancePct: 2 }).withinTolerance
 */
export function threeWayMatch(invoice: Invoice, po: MatchPurchaseOrder | undefined, tolerances: MatchTolerances = {}): MatchResult {
  const priceTol = new Decimal(tolerances.priceTolerancePct ?? 0);
  const qtyTol = new Decimal(tolerances.quantityTolerancePct ?? 0);
  const amountTol = tolerances.amountTolerance === undefined ? undefined : new Decimal(tolerances.amountTolerance);
  const mode = po?.kind === 'service' ? '2-way' : '3-way';
  const findings: Finding[] = [];
  if (!po) {
    findings.push({
      kind: 'missingPo',
      severity: 'high',
      message: `No purchase order ${invoice.poNumber ?? '(none given)'} found`,
      valueAtRisk: invoice.grossTotal,
    });
    return {
      withinTolerance: false,
      mode,
      poNumber: invoice.poNumber ?? null,
      maxPriceVariancePct: 0,
      maxQuantityVariance: 0,
      valueAtRisk: invoice.grossTotal,
      lines: [],
      findings,
    };
  }
  if (po.currency !== invoice.currency) {
    findings.push({
      kind: 'currencyMismatch',
      severity: 'high',
      message: `Invoice is in ${invoice.currency}, PO ${po.poNumber} in ${po.currency}; amounts cannot be compared`,
      valueAtRisk: invoice.grossTotal,
    });
    return {
      withinTolerance: false,
      mode,
      poNumber: po.poNumber,
      maxPriceVariancePct: 0,
      maxQuantityVariance: 0,
      valueAtRisk: invoice.grossTotal,
      lines: [],
      findings,
    };
  }
  const sign = invoice.documentType === 'creditNote' ? -1 : 1;
  let maxPrice = new Decimal(0);
  let maxQty = new Decimal(0);
  let atRisk = new Decimal(0);
  const lines: MatchedLine[] = invoice.lines.map((line, index) => {
    const lineId = line.lineId ?? String(index + 1);
    const poLine = po.lines.find((l) => l.lineId === (line.poLineRef ?? lineId));
    const invoicedQty = new Decimal(line.quantity).abs();
    const unitPrice = new Decimal(line.unitPrice);
    if (!poLine) {
      findings.push({
        kind: 'unmatchedLine',
        severity: 'high',
        lineId,
        message: `Invoice line ${lineId} has no line ${line.poLineRef ?? lineId} on PO ${po.poNumber}`,
        valueAtRisk: new Decimal(line.netAmount).abs().toString(),
      });
      atRisk = atRisk.plus(new Decimal(line.netAmount).abs());
      return {
        lineId,
        poLineId: null,
        invoicedQuantity: invoicedQty.toString(),
        receivedQuantity: null,
        orderedQuantity: null,
        invoiceUnitPrice: unitPrice.toString(),
        poUnitPrice: null,
        priceVariancePct: null,
        quantityVariance: null,
        withinTolerance: false,
      };
    }
    const poPrice = new Decimal(poLine.unitPrice);
    const priceVar = poPrice.isZero() ? new Decimal(unitPrice.isZero() ? 0 : 100) : unitPrice.minus(poPrice).div(poPrice).times(100);
    const basis = mode === '2-way' ? new Decimal(poLine.quantity) : new Decimal(poLine.receivedQuantity);
    const qtyVar = invoicedQty.minus(basis);
    let ok = true;
    const overPrice = unitPrice.minus(poPrice).times(invoicedQty);
    if (priceVar.gt(priceTol) || (amountTol && overPrice.gt(amountTol))) {
      ok = false;
      findings.push({
        kind: priceVar.gt(priceTol) ? 'priceVariance' : 'amountVariance',
        severity: priceVar.gt(priceTol.times(5)) ? 'high' : 'warning',
        lineId,
        message: `Line ${lineId}: unit price ${unitPrice} is ${pct(priceVar)} % over PO price ${poPrice} (tolerance ${priceTol} %)`,
        valueAtRisk: overPrice.toString(),
      });
      atRisk = atRisk.plus(overPrice);
    }
    if (mode === '3-way' && basis.isZero() && sign > 0) {
      ok = false;
      findings.push({
        kind: 'missingGoodsReceipt',
        severity: 'high',
        lineId,
        message: `Line ${lineId}: nothing received yet against PO line ${poLine.lineId}`,
        valueAtRisk: new Decimal(line.netAmount).toString(),
      });
      atRisk = atRisk.plus(new Decimal(line.netAmount));
    } else if (sign > 0 && qtyVar.gt(basis.times(qtyTol).div(100))) {
      ok = false;
      const value = qtyVar.times(poPrice);
      findings.push({
        kind: 'quantityVariance',
        severity: 'warning',
        lineId,
        message: `Line ${lineId}: invoiced ${invoicedQty}, ${mode === '2-way' ? 'ordered' : 'received'} ${basis} (tolerance ${qtyTol} %)`,
        valueAtRisk: value.toString(),
      });
      atRisk = atRisk.plus(value);
    }
    if (priceVar.gt(maxPrice)) maxPrice = priceVar;
    if (qtyVar.gt(maxQty)) maxQty = qtyVar;
    return {
      lineId,
      poLineId: poLine.lineId,
      invoicedQuantity: invoicedQty.toString(),
      receivedQuantity: mode === '3-way' ? basis.toString() : null,
      orderedQuantity: poLine.quantity,
      invoiceUnitPrice: unitPrice.toString(),
      poUnitPrice: poPrice.toString(),
      priceVariancePct: pct(priceVar),
      quantityVariance: qtyVar.toString(),
      withinTolerance: ok,
    };
  });
  return {
    withinTolerance: findings.length === 0,
    mode,
    poNumber: po.poNumber,
    maxPriceVariancePct: pct(maxPrice),
    maxQuantityVariance: maxQty.toNumber(),
    valueAtRisk: atRisk.toString(),
    lines,
    findings,
  };
}
