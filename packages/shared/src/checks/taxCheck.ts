import type { Invoice } from '../invoice/invoice.js';
import { breakdownFindings, lineNetFindings } from './documentArithmetic.js';
import { largestValueAtRisk, type Finding } from './finding.js';
import { amountText, minorUnits, Money, moneyText, roundToCurrency } from './money.js';

/** One VAT rate valid in a country, from the rates table (percent, "19" for 19 %). */
export interface TaxRate {
  country: string;
  rate: string;
  /** First and last day the rate applies (YYYY-MM-DD); open when absent. */
  validFrom?: string | null;
  validTo?: string | null;
}

export interface TaxCheckParams {
  /** Largest accepted difference between a line's stated tax and rate × net. Default 0.01. */
  lineTolerance?: number;
  /** Largest accepted difference of the header totals from what the lines add up to. Default 0.01. */
  headerTolerance?: number;
  /** Check each rate against the rates valid in the supplier's country. Default true. */
  checkRates?: boolean;
}

export interface TaxCheckContext {
  /** The supplier's country (ISO 3166 alpha-2): from the invoice, else from supplier master data. */
  country?: string | null;
  /** Rates valid in that country (others are ignored). */
  rates: readonly TaxRate[];
}

export interface TaxedLine {
  lineId: string;
  rate: string | null;
  netAmount: string;
  statedTax: string | null;
  expectedTax: string | null;
  difference: string | null;
  withinTolerance: boolean;
  rateValid: boolean | null;
}

export interface TaxCheckResult {
  ok: boolean;
  country: string | null;
  /** Header tax − the tax the lines add up to. */
  taxDifference: string;
  /** Header net − (Σ line net − allowances + charges). */
  netDifference: string;
  /** Header gross − (net + tax). */
  grossDifference: string;
  /** Payable − (gross − prepaid + rounding); "0" when the invoice states no payable amount. */
  payableDifference: string;
  /** The largest of the absolute differences above and of the lines, as a number for FEEL routing. */
  maxDifference: number;
  /** The date rates are read on: the tax point date (BT-7), else the issue date. */
  rateDate: string;
  /** Rates on the invoice that are not valid in the country on `rateDate`. */
  invalidRates: string[];
  lines: TaxedLine[];
  /** The most money any one finding puts at risk (decimal string); "0" when there is none. */
  valueAtRisk: string;
  findings: Finding[];
}

// UNCL5305 categories that carry no tax whatever the country: zero, exempt, reverse charge,
// intra-community, export, out of scope.
const UNTAXED_CATEGORIES = new Set(['Z', 'E', 'AE', 'K', 'G', 'O']);

const validOn = (rate: TaxRate, date: string) => (!rate.validFrom || rate.validFrom <= date) && (!rate.validTo || date <= rate.validTo);

/**
 * Recomputes the invoice's tax and totals (DOMAIN.md, tax check): each line's tax against
 * rate × net rounded half-up to the currency's minor unit; the header tax against the lines
 * (their stated tax, or per rate the rounded tax of the summed net, as EN 16931 computes it:
 * either is accepted); net, gross and payable against their parts; and each rate against the
 * rates valid in the supplier's country on the issue date. A difference exactly at a tolerance
 * is accepted. Amounts are taken as stated, so a credit note is checked like an invoice; tax in
 * a second tax currency is not converted or checked.
 * @example taxCheck(invoice, { country: 'DE', rates }, { lineTolerance: 0.01 }).findings
 */
export function taxCheck(invoice: Invoice, context: TaxCheckContext, params: TaxCheckParams = {}): TaxCheckResult {
  const currency = invoice.currency;
  const lineTol = new Money(params.lineTolerance ?? 0.01);
  const headerTol = new Money(params.headerTolerance ?? 0.01);
  const country = invoice.supplier.country ?? context.country ?? null;
  const rateDate = invoice.taxPointDate ?? invoice.issueDate;
  const countryRates = context.rates.filter((r) => r.country === country && validOn(r, rateDate));
  const canCheckRates = (params.checkRates ?? true) && country !== null && countryRates.length > 0;
  const findings: Finding[] = [];
  const invalidRates = new Set<string>();
  let maxDiff = new Money(0);
  const note = (d: Money) => {
    if (d.abs().gt(maxDiff)) maxDiff = d.abs();
  };

  let lineNet = new Money(0);
  let statedLineTax = new Money(0);
  let everyLineStatesTax = true;
  const netByRate = new Map<string, Money>();
  const lines: TaxedLine[] = invoice.lines.map((line, index) => {
    const lineId = line.lineId ?? String(index + 1);
    const net = new Money(line.netAmount);
    lineNet = lineNet.plus(net);
    const untaxed = line.taxCategory !== undefined && UNTAXED_CATEGORIES.has(line.taxCategory);
    const rate = line.taxRate !== undefined ? new Money(line.taxRate) : untaxed ? new Money(0) : null;
    if (rate) netByRate.set(rate.toString(), (netByRate.get(rate.toString()) ?? new Money(0)).plus(net));
    if (line.taxAmount !== undefined) statedLineTax = statedLineTax.plus(line.taxAmount);
    else everyLineStatesTax = false;
    let rateValid: boolean | null = null;
    if (rate && canCheckRates) {
      rateValid = rate.isZero() || countryRates.some((r) => new Money(r.rate).eq(rate));
      if (!rateValid) {
        invalidRates.add(rate.toString());
        findings.push({
          kind: 'taxRateInvalid',
          severity: 'high',
          lineId,
          ruleId: 'EXF-TAX-RATE',
          figures: { rate: rate.toString(), country, date: rateDate, validRates: countryRates.map((r) => r.rate) },
          message: `Line ${lineId}: VAT rate ${rate} % is not valid in ${country} on ${rateDate} (valid: ${countryRates.map((r) => `${r.rate} %`).join(', ')})`,
          valueAtRisk: amountText(line.taxAmount !== undefined ? new Money(line.taxAmount).abs() : net.times(rate).div(100).abs(), currency),
        });
      }
    }
    if (!rate)
      return {
        lineId,
        rate: null,
        netAmount: line.netAmount,
        statedTax: line.taxAmount ?? null,
        expectedTax: null,
        difference: null,
        withinTolerance: true,
        rateValid,
      };
    const expected = roundToCurrency(net.times(rate).div(100), currency);
    if (line.taxAmount === undefined) {
      return {
        lineId,
        rate: rate.toString(),
        netAmount: line.netAmount,
        statedTax: null,
        expectedTax: moneyText(expected),
        difference: null,
        withinTolerance: true,
        rateValid,
      };
    }
    const difference = new Money(line.taxAmount).minus(expected);
    note(difference);
    const within = difference.abs().lte(lineTol);
    if (!within) {
      findings.push({
        kind: 'taxLineMismatch',
        severity: 'warning',
        lineId,
        ruleId: 'EXF-TAX-LINE',
        figures: { stated: line.taxAmount, computed: moneyText(expected), difference: moneyText(difference) },
        message: `Line ${lineId}: tax ${line.taxAmount} ≠ ${rate} % × ${line.netAmount} = ${moneyText(expected)} (difference ${moneyText(difference)}, tolerance ${lineTol})`,
        valueAtRisk: amountText(difference.abs(), currency),
      });
    }
    return {
      lineId,
      rate: rate.toString(),
      netAmount: line.netAmount,
      statedTax: line.taxAmount,
      expectedTax: moneyText(expected),
      difference: moneyText(difference),
      withinTolerance: within,
      rateValid,
    };
  });

  // Document-level allowances lower, and charges raise, the taxable amount of their rate.
  let allowances = new Money(0);
  let charges = new Money(0);
  for (const ac of invoice.allowanceCharges ?? []) {
    const amount = new Money(ac.amount);
    if (ac.kind === 'allowance') allowances = allowances.plus(amount);
    else charges = charges.plus(amount);
    if (ac.taxRate !== undefined) {
      const key = new Money(ac.taxRate).toString();
      netByRate.set(key, (netByRate.get(key) ?? new Money(0)).plus(ac.kind === 'allowance' ? amount.neg() : amount));
    }
  }
  if (!invoice.allowanceCharges) {
    allowances = new Money(invoice.allowanceTotal ?? 0);
    charges = new Money(invoice.chargeTotal ?? 0);
  }
  const documentTax = [...netByRate].reduce((sum, [rate, net]) => sum.plus(roundToCurrency(net.times(rate).div(100), currency)), new Money(0));
  const stated = new Money(invoice.taxTotal);
  const headerCandidates = [
    documentTax,
    ...(everyLineStatesTax && invoice.lines.length > 0 && !invoice.allowanceCharges?.some((a) => a.taxRate) ? [statedLineTax] : []),
  ];
  const taxDifference = headerCandidates.map((c) => stated.minus(c)).sort((a, b) => a.abs().cmp(b.abs()))[0]!;
  const anyRate = netByRate.size > 0;
  if (anyRate) {
    note(taxDifference);
    if (taxDifference.abs().gt(headerTol)) {
      findings.push({
        kind: 'taxTotalMismatch',
        severity: 'warning',
        ruleId: 'BR-CO-14',
        figures: { stated: invoice.taxTotal, computed: moneyText(stated.minus(taxDifference)), difference: moneyText(taxDifference) },
        message: `Tax total ${invoice.taxTotal} ≠ ${moneyText(stated.minus(taxDifference))} from the lines (difference ${moneyText(taxDifference)}, tolerance ${headerTol})`,
        valueAtRisk: amountText(taxDifference.abs(), currency),
      });
    }
  }

  const arithmetic = (ruleId: string, label: string, actual: Money, expected: Money): Money => {
    const difference = actual.minus(expected);
    note(difference);
    if (difference.abs().gt(headerTol)) {
      findings.push({
        kind: 'arithmeticError',
        severity: 'warning',
        ruleId,
        figures: { stated: moneyText(actual), computed: moneyText(expected), difference: moneyText(difference) },
        message: `${label}: ${moneyText(actual)} stated, ${moneyText(expected)} computed (difference ${moneyText(difference)})`,
        valueAtRisk: amountText(difference.abs(), currency),
      });
    }
    return difference;
  };
  findings.push(...lineNetFindings(invoice, params.lineTolerance ?? 0.01), ...breakdownFindings(invoice, params.headerTolerance ?? 0.01));
  const net = new Money(invoice.netTotal);
  if (invoice.lineNetTotal !== undefined) arithmetic('BR-CO-10', 'Sum of line net amounts (BT-106) ≠ the lines', new Money(invoice.lineNetTotal), lineNet);
  const netDifference = arithmetic('BR-CO-13', 'Net total ≠ sum of lines − allowances + charges', net, lineNet.minus(allowances).plus(charges));
  const grossDifference = arithmetic('BR-CO-15', 'Gross total ≠ net + tax', new Money(invoice.grossTotal), net.plus(stated));
  const payableDifference =
    invoice.payableAmount === undefined
      ? new Money(0)
      : arithmetic(
          'BR-CO-16',
          'Payable amount ≠ gross − prepaid + rounding',
          new Money(invoice.payableAmount),
          new Money(invoice.grossTotal).minus(invoice.prepaidAmount ?? 0).plus(invoice.roundingAmount ?? 0),
        );

  return {
    ok: findings.length === 0,
    country,
    taxDifference: moneyText(anyRate ? taxDifference : 0),
    netDifference: moneyText(netDifference),
    grossDifference: moneyText(grossDifference),
    payableDifference: moneyText(payableDifference),
    maxDifference: maxDiff.toDecimalPlaces(minorUnits(currency) + 2).toNumber(),
    rateDate,
    invalidRates: [...invalidRates],
    lines,
    valueAtRisk: largestValueAtRisk(findings),
    findings,
  };
}
