import type { Features } from './features.js';

/**
 * What one factor of a suggestion or an anomaly score says, as data: a stable `code` and the
 * values it names, so a client can word it in its user's language; `text` is the English the
 * server stores and answers (and the words a client falls back on for a code it does not know).
 */
export interface FactorReason {
  code: string;
  params: Record<string, string | number>;
  text: string;
}

const KIND_WORDS: Record<string, string> = {
  duplicateInvoice: 'a duplicate invoice',
  suspectedDuplicate: 'a suspected duplicate',
  bankAccountChanged: 'a recently changed bank account',
  bankAccountMismatch: 'a bank account that differs from master data',
  taxIdMismatch: 'a tax id that differs from master data',
  unknownSupplier: 'an unknown supplier',
  missingPo: 'no purchase order',
  poSupplierMismatch: 'a PO of another supplier',
  currencyMismatch: 'a currency other than the PO',
  priceVariance: 'a price variance',
  amountVariance: 'an amount over the PO cap',
  quantityVariance: 'a quantity variance',
  missingGoodsReceipt: 'no goods receipt',
  unmatchedLine: 'a line not on the PO',
  taxRateInvalid: 'an invalid tax rate',
  taxTotalMismatch: 'a tax total that does not add up',
  taxLineMismatch: 'a line tax that does not add up',
  arithmeticError: 'an arithmetic error',
};

const amount = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
const money = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
/** A value as the text shows it, so the values a client words are the ones the English names. */
export const shown = (n: number, digits: number) => Number(n.toFixed(digits));

type Params = Record<string, number> & Record<string, string | number>;

/** Each reason's English, by code; the designer's catalogue (`aiReason.<code>`) has the same codes. */
const ENGLISH: Record<string, (p: Params) => string> = {
  finding: (p) => `Triage found ${KIND_WORDS[p.kind!] ?? p.kind}`,
  findingRepeated: (p) => `Triage found ${KIND_WORDS[p.kind!] ?? p.kind} (${p.times} times)`,
  channel: (p) => `Received through ${p.channel}`,
  wording: () => 'Wording of the invoice lines',
  grossAbout: (p) => `Gross amount about ${amount(p.amount)}`,
  lineCount: (p) => plural(p.count, 'invoice line'),
  creditNote: () => 'A credit note',
  notCreditNote: () => 'An invoice, not a credit note',
  findingCount: (p) => `${plural(p.count, 'finding')} at triage`,
  highSeverityCount: (p) => plural(p.count, 'high-severity finding'),
  variancePct: (p) => `Price ${p.pct.toFixed(1)} % above the PO`,
  beyondTolerance: (p) => `Price variance ${p.points.toFixed(1)} points beyond the tolerance`,
  insideTolerance: (p) => `Price variance ${p.points.toFixed(1)} points inside the tolerance`,
  quantityVariance: (p) => `${plural(p.count, 'unit')} billed beyond what was received`,
  taxDifference: (p) => `Tax differs by ${p.amount.toFixed(2)} from rate × net`,
  valueAtRiskAbout: (p) => `Value at risk about ${amount(p.amount)}`,
  valueAtRiskShare: (p) => `Value at risk is ${p.pct} % of the invoice`,
  supplierVolume: (p) => `Supplier has sent ${p.count} earlier invoices`,
  supplierExceptionRate: (p) => `${p.pct} % of this supplier's earlier invoices had exceptions`,
  supplierBankChanges: (p) => `Supplier changed bank account ${plural(p.count, 'time')}`,
  newBankAccount: () => 'Bank account not seen on this supplier before',
  knownBankAccount: () => 'Bank account as on earlier invoices',
  amountAbove: (p) => `Amount ${p.z.toFixed(1)} standard deviations above this supplier's usual`,
  amountBelow: (p) => `Amount ${p.z.toFixed(1)} standard deviations below this supplier's usual`,
  amountToTypical: (p) => `Amount ${p.times.toFixed(1)}× this supplier's typical invoice`,
  daysSinceLast: (p) => `${p.days} days since the supplier's previous invoice`,
  intervalRatio: (p) => `Invoiced after ${p.pct} % of the supplier's usual interval`,
  poFound: () => 'The purchase order was found',
  poMissing: () => 'No purchase order was found',
  servicePo: () => 'A service PO (2-way match)',
  goodsPo: () => 'A goods PO',
  weekend: () => 'Dated on a weekend',
  weekday: () => 'Dated on a weekday',
  monthEnd: () => 'Dated at month end',
  beforeMonthEnd: () => 'Dated before month end',
  roundAmount: () => 'A round amount',
  notRoundAmount: () => 'Not a round amount',
  feature: (p) => String(p.name),
  // the anomaly score's signals: the invoice against its supplier's own history
  unusualAmountAbove: (p) => `Gross ${money(p.gross)} is ${p.z.toFixed(1)} standard deviations above this supplier's usual (typical ${money(p.typical)})`,
  unusualAmountBelow: (p) => `Gross ${money(p.gross)} is ${p.z.toFixed(1)} standard deviations below this supplier's usual (typical ${money(p.typical)})`,
  sentEarly: (p) => `Sent ${p.days} days after the previous invoice; this supplier usually invoices every ${p.usualDays} days`,
  unknownBankAccount: (p) => `Bank account ${p.account}… is on none of the supplier's ${p.count} earlier invoices`,
  unusualRoundAmount: (p) => `Round amount ${money(p.gross)}; ${p.pct} % of this supplier's invoices are round`,
  unusualWeekend: (p) => `Dated on a weekend (${p.date}); ${p.pct} % of this supplier's invoices are`,
};

/**
 * A reason from its code and values, with its English text.
 * @example factorReason('variancePct', { pct: 4.2 }).text // "Price 4.2 % above the PO"
 */
export function factorReason(code: string, params: Record<string, string | number> = {}): FactorReason {
  const english = ENGLISH[code];
  if (!english) throw new Error(`No English text for the factor reason "${code}"; add it to ENGLISH in ai/reasons.ts`);
  return { code, params, text: english(params as Params) };
}

const yesNo = (v: number, yes: string, no: string) => factorReason(v ? yes : no);

/**
 * Why one feature of an invoice counts, as a reason (the code, values and English of a
 * suggestion's factor).
 * @example featureReason('variancePct', { variancePct: 4.2 }) // { code: 'variancePct', params: { pct: 4.2 }, text: 'Price 4.2 % above the PO' }
 */
export function featureReason(name: string, f: Features): FactorReason {
  const v = f[name] ?? 0;
  if (name.startsWith('finding.')) return factorReason(v > 1 ? 'findingRepeated' : 'finding', { kind: name.slice(8), ...(v > 1 ? { times: v } : {}) });
  if (name.startsWith('channel.')) return factorReason('channel', { channel: name.slice(8) });
  if (name.startsWith('text.')) return factorReason('wording');
  switch (name) {
    case 'grossLog10':
      return factorReason('grossAbout', { amount: Math.round(10 ** v - 1) });
    case 'lineCount':
      return factorReason('lineCount', { count: v });
    case 'isCreditNote':
      return yesNo(v, 'creditNote', 'notCreditNote');
    case 'findingCount':
      return factorReason('findingCount', { count: v });
    case 'highSeverityCount':
      return factorReason('highSeverityCount', { count: v });
    case 'variancePct':
      return factorReason('variancePct', { pct: shown(v, 1) });
    case 'varianceOverTolerancePct':
      return v >= 0 ? factorReason('beyondTolerance', { points: shown(v, 1) }) : factorReason('insideTolerance', { points: shown(-v, 1) });
    case 'quantityVariance':
      return factorReason('quantityVariance', { count: v });
    case 'taxDifference':
      return factorReason('taxDifference', { amount: shown(v, 2) });
    case 'valueAtRiskLog10':
      return factorReason('valueAtRiskAbout', { amount: Math.round(10 ** v - 1) });
    case 'valueAtRiskShare':
      return factorReason('valueAtRiskShare', { pct: Math.round(v * 100) });
    case 'supplierVolumeLog':
      return factorReason('supplierVolume', { count: Math.round(Math.expm1(v)) });
    case 'supplierExceptionRate':
      return factorReason('supplierExceptionRate', { pct: Math.round(v * 100) });
    case 'supplierBankChanges':
      return factorReason('supplierBankChanges', { count: v });
    case 'newBankAccount':
      return yesNo(v, 'newBankAccount', 'knownBankAccount');
    case 'amountZ':
      return factorReason(v >= 0 ? 'amountAbove' : 'amountBelow', { z: shown(Math.abs(v), 1) });
    case 'amountToTypicalLog':
      return factorReason('amountToTypical', { times: shown(10 ** v, 1) });
    case 'daysSinceLast':
      return factorReason('daysSinceLast', { days: Math.round(v) });
    case 'intervalRatio':
      return factorReason('intervalRatio', { pct: Math.round(v * 100) });
    case 'poFound':
      return yesNo(v, 'poFound', 'poMissing');
    case 'poService':
      return yesNo(v, 'servicePo', 'goodsPo');
    case 'weekend':
      return yesNo(v, 'weekend', 'weekday');
    case 'monthEnd':
      return yesNo(v, 'monthEnd', 'beforeMonthEnd');
    case 'roundAmount':
      return yesNo(v, 'roundAmount', 'notRoundAmount');
    default:
      return factorReason('feature', { name });
  }
}
