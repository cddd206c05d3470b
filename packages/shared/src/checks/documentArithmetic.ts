import type { Invoice } from '../invoice/invoice.js';
import type { Finding } from './finding.js';
import { amountText, Money, moneyText, roundToCurrency } from './money.js';

/** BT-24 of a document that follows EN 16931 core alone, with no CIUS or extension. */
const EN16931_CORE = 'urn:cen.eu:en16931:2017';

/**
 * Each line's net amount against its parts (Peppol BIS 3 rule PEPPOL-EN16931-R120): quantity ×
 * net price per unit (the price ÷ its base quantity, as the intake already divided it) + the
 * line's charges − its allowances, rounded half-up to the currency's minor unit. A difference over
 * `tolerance` is an `arithmeticError` of the line. EN 16931 core has no such rule (its line net
 * amount, BT-131, may include other taxes), so a document that declares the core specification
 * alone (BT-24 = `urn:cen.eu:en16931:2017`) is not held to it; every other invoice is, whatever
 * its format.
 * @example lineNetFindings(invoice, 0.01).map((f) => f.lineId)
 */
export function lineNetFindings(invoice: Invoice, tolerance: number): Finding[] {
  const tol = new Money(tolerance);
  const findings: Finding[] = [];
  if (invoice.specification === EN16931_CORE) return findings;
  invoice.lines.forEach((line, index) => {
    const lineId = line.lineId ?? String(index + 1);
    let adjustments = new Money(0);
    for (const ac of line.allowanceCharges ?? []) adjustments = ac.kind === 'charge' ? adjustments.plus(ac.amount) : adjustments.minus(ac.amount);
    const computed = roundToCurrency(new Money(line.quantity).times(line.unitPrice).plus(adjustments), invoice.currency);
    const difference = new Money(line.netAmount).minus(computed);
    if (difference.abs().lte(tol)) return;
    const parts = `${line.quantity} × ${line.unitPrice}${adjustments.isZero() ? '' : ` ${adjustments.isNeg() ? '−' : '+'} ${moneyText(adjustments.abs())}`}`;
    findings.push({
      kind: 'arithmeticError',
      severity: 'warning',
      lineId,
      ruleId: 'PEPPOL-EN16931-R120',
      figures: {
        stated: line.netAmount,
        computed: moneyText(computed),
        difference: moneyText(difference),
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        allowancesAndCharges: moneyText(adjustments),
      },
      message: `Line ${lineId}: net amount ${line.netAmount} ≠ ${parts} = ${moneyText(computed)} (difference ${moneyText(difference)}, tolerance ${tol})`,
      valueAtRisk: amountText(difference.abs(), invoice.currency),
    });
  });
  return findings;
}

/**
 * Each row of the VAT breakdown (BG-23) against EN 16931 BR-CO-17: the category's tax amount
 * (BT-117) = its taxable amount (BT-116) × its rate (BT-119) ÷ 100, rounded half-up to the
 * currency's minor unit. Rows without a rate are not checked. A difference over `tolerance` is an
 * `arithmeticError`.
 * @example breakdownFindings(invoice, 0.01).map((f) => f.ruleId) // ['BR-CO-17']
 */
export function breakdownFindings(invoice: Invoice, tolerance: number): Finding[] {
  const tol = new Money(tolerance);
  const findings: Finding[] = [];
  for (const row of invoice.taxBreakdown ?? []) {
    if (row.rate === undefined) continue;
    const computed = roundToCurrency(new Money(row.taxableAmount).times(row.rate).div(100), invoice.currency);
    const difference = new Money(row.taxAmount).minus(computed);
    if (difference.abs().lte(tol)) continue;
    const category = row.category ?? '?';
    findings.push({
      kind: 'arithmeticError',
      severity: 'warning',
      ruleId: 'BR-CO-17',
      figures: {
        category,
        rate: row.rate,
        taxableAmount: row.taxableAmount,
        stated: row.taxAmount,
        computed: moneyText(computed),
        difference: moneyText(difference),
      },
      message: `VAT category ${category} at ${row.rate} %: tax ${row.taxAmount} ≠ ${row.taxableAmount} × ${row.rate} % = ${moneyText(computed)} (difference ${moneyText(difference)}, tolerance ${tol})`,
      valueAtRisk: amountText(difference.abs(), invoice.currency),
    });
  }
  return findings;
}
