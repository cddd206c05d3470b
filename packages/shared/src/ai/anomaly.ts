import { factorReason, shown } from './reasons.js';
import type { SuggestionFactor } from './suggestion.js';
import { isRoundAmount, isWeekend, type SupplierHistory } from './features.js';
import type { Invoice, InvoiceParty } from '../invoice/invoice.js';

/**
 * How unusual an invoice is against its supplier's own history (docs/ai.md, "Anomaly score"):
 * each signal measures one way the invoice departs from what the supplier usually sends,
 * the weighted signals add up to a surprise `s`, and the score is 1 − e^(−s), so independent
 * oddities compound and one mild oddity stays low. Every signal that counts is a factor in words.
 */

/** Weight of each signal (the anomaly model's parameters, stored in its model row). */
export interface AnomalyWeights {
  /** Per standard deviation of log(gross) beyond two. */
  amount: number;
  /** An invoice far sooner than the supplier's usual interval. */
  frequency: number;
  /** A bank account none of the supplier's earlier invoices carried. */
  newBankAccount: number;
  /** A round gross from a supplier that rarely sends one. */
  roundAmount: number;
  /** A weekend issue date from a supplier that rarely dates one so. */
  weekend: number;
}

export const DEFAULT_ANOMALY_WEIGHTS: AnomalyWeights = { amount: 0.5, frequency: 1.8, newBankAccount: 1.5, roundAmount: 0.45, weekend: 0.45 };

/** Earlier invoices a supplier needs before its invoices are scored at all. */
export const MIN_ANOMALY_HISTORY = 3;

/**
 * The anomaly score of an invoice with its reasons, or null when the supplier has fewer than
 * {@link MIN_ANOMALY_HISTORY} earlier invoices (nothing to compare with).
 * @example scoreAnomaly(invoice, supplierHistory(earlier, invoice.issueDate))?.factors[0]?.text // "Bank account NO93… not on any of the supplier's 12 earlier invoices"
 */
export function scoreAnomaly(
  invoice: Pick<Invoice, 'grossTotal' | 'issueDate'> & { supplier: Pick<InvoiceParty, 'bankAccount'> },
  history: SupplierHistory,
  weights: AnomalyWeights = DEFAULT_ANOMALY_WEIGHTS,
): { score: number; factors: SuggestionFactor[] } | null {
  if (history.count < MIN_ANOMALY_HISTORY) return null;
  const gross = Number(invoice.grossTotal);
  const factors: SuggestionFactor[] = [];
  const z = (Math.log10(Math.max(1, gross)) - history.logAmountMean) / Math.max(history.logAmountStd, 0.05);
  if (Math.abs(z) > 2) {
    factors.push({
      feature: 'amountZ',
      weight: weights.amount * (Math.abs(z) - 2),
      ...factorReason(z > 0 ? 'unusualAmountAbove' : 'unusualAmountBelow', {
        gross: shown(gross, 2),
        z: shown(Math.abs(z), 1),
        typical: shown(history.typicalAmount, 2),
      }),
    });
  }
  if (history.typicalIntervalDays !== null && history.typicalIntervalDays >= 4 && history.daysSinceLast !== null) {
    const ratio = history.daysSinceLast / history.typicalIntervalDays;
    if (ratio < 0.35) {
      factors.push({
        feature: 'intervalRatio',
        weight: weights.frequency * (1 - ratio / 0.35),
        ...factorReason('sentEarly', { days: Math.max(0, Math.round(history.daysSinceLast)), usualDays: Math.round(history.typicalIntervalDays) }),
      });
    }
  }
  const account = invoice.supplier.bankAccount;
  if (account && history.knownBankAccounts.length && !history.knownBankAccounts.includes(account)) {
    factors.push({
      feature: 'newBankAccount',
      weight: weights.newBankAccount,
      ...factorReason('unknownBankAccount', { account: account.slice(0, 6), count: history.count }),
    });
  }
  if (isRoundAmount(gross) && history.roundShare < 0.2) {
    factors.push({
      feature: 'roundAmount',
      weight: weights.roundAmount * (1 - history.roundShare),
      ...factorReason('unusualRoundAmount', { gross: shown(gross, 2), pct: Math.round(history.roundShare * 100) }),
    });
  }
  if (isWeekend(invoice.issueDate) && history.weekendShare < 0.1) {
    factors.push({
      feature: 'weekend',
      weight: weights.weekend * (1 - history.weekendShare),
      ...factorReason('unusualWeekend', { date: invoice.issueDate.slice(0, 10), pct: Math.round(history.weekendShare * 100) }),
    });
  }
  factors.sort((a, b) => b.weight - a.weight);
  const surprise = factors.reduce((s, f) => s + f.weight, 0);
  return { score: 1 - Math.exp(-surprise), factors };
}
