import { distance } from 'fastest-levenshtein';
import type { Invoice, InvoiceParty } from '../invoice/invoice.js';
import { largestValueAtRisk, type Finding } from './finding.js';
import { daysBetween, Money } from './money.js';

/** An invoice the tenant received before, as the duplicate check compares it. */
export interface EarlierInvoice {
  invoiceId: string;
  invoiceNumber: string;
  documentType: 'invoice' | 'creditNote';
  supplier: Pick<InvoiceParty, 'id' | 'name' | 'taxId'>;
  issueDate: string;
  currency: string;
  grossTotal: string;
  receivedAt?: string;
  /** The case the earlier invoice opened, and where it stands, as evidence for the reviewer. */
  caseId?: string | null;
  caseStatus?: string | null;
}

export interface DuplicateParams {
  /** Fuzzy match: largest gap in days between the two issue dates. Default 14. */
  windowDays?: number;
  /** Fuzzy match: largest edit distance between the normalised invoice numbers. Default 2. */
  maxEditDistance?: number;
}

export interface DuplicateMatch extends EarlierInvoice {
  match: 'exact' | 'fuzzy';
  editDistance: number;
  daysApart: number;
}

export interface DuplicateResult {
  /** No duplicate and no suspect. */
  ok: boolean;
  /** Same supplier and same normalised invoice number. */
  duplicate: boolean;
  /** Same supplier, currency and gross amount, issue dates and numbers close. */
  suspected: boolean;
  /** The earlier invoice that matched best (exact before fuzzy, then closest), or null. */
  match: DuplicateMatch | null;
  invoiceNumberKey: string;
  /** How many earlier invoices were compared. */
  compared: number;
  /** The most money any one finding puts at risk (decimal string); "0" when there is none. */
  valueAtRisk: string;
  findings: Finding[];
}

/**
 * The invoice number as duplicates are compared: letters upper-cased, leading zeros of each
 * group of digits dropped, punctuation and spaces removed. Zeros go before punctuation, so the
 * year in "2026-0042" stays apart from the sequence number.
 * @example normaliseInvoiceNumber('inv-2026/0042') // 'INV202642'
 */
export function normaliseInvoiceNumber(invoiceNumber: string): string {
  return invoiceNumber
    .toUpperCase()
    .split(/[^\p{L}\p{N}]+/u)
    .map((token) => token.replace(/(^|\D)0+(?=\d)/g, '$1'))
    .join('');
}

const normaliseId = (s: string | undefined) => s?.toUpperCase().replace(/[^A-Z0-9]/g, '') || undefined;
const normaliseName = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * Whether two invoices come from the same supplier: by supplier id when both carry one, else by
 * tax id when both carry one, else by name (case and punctuation ignored).
 * @example sameSupplier({ id: 'S1', name: 'A' }, { id: 'S1', name: 'A AB' }) // true
 */
export function sameSupplier(a: Pick<InvoiceParty, 'id' | 'name' | 'taxId'>, b: Pick<InvoiceParty, 'id' | 'name' | 'taxId'>): boolean {
  if (a.id && b.id) return a.id === b.id;
  const [ta, tb] = [normaliseId(a.taxId), normaliseId(b.taxId)];
  if (ta && tb) return ta === tb;
  return normaliseName(a.name) === normaliseName(b.name);
}

const evidenceOf = (m: DuplicateMatch) => ({
  invoiceId: m.invoiceId,
  invoiceNumber: m.invoiceNumber,
  issueDate: m.issueDate,
  currency: m.currency,
  grossTotal: m.grossTotal,
  caseId: m.caseId ?? null,
  caseStatus: m.caseStatus ?? null,
  match: m.match,
  editDistance: m.editDistance,
  daysApart: m.daysApart,
});

/**
 * Looks for the invoice among the tenant's earlier ones (DOMAIN.md, duplicate check).
 * Exact: same supplier and document type, same normalised number. Fuzzy (suspect): same
 * supplier, document type, currency and gross amount, issue dates at most `windowDays` apart,
 * and numbers at most `maxEditDistance` edits apart (and fewer edits than the shorter number
 * has characters, so "1" and "2" are not near-identical). A credit note is never a duplicate of
 * an invoice. Amounts in other currencies are not converted: they never match fuzzily.
 * @example duplicateCheck(invoice, earlier, { windowDays: 14, maxEditDistance: 2 }).match?.invoiceId
 */
export function duplicateCheck(invoice: Invoice, earlier: readonly EarlierInvoice[], params: DuplicateParams = {}): DuplicateResult {
  const windowDays = params.windowDays ?? 14;
  const maxEdits = params.maxEditDistance ?? 2;
  const key = normaliseInvoiceNumber(invoice.invoiceNumber);
  const gross = new Money(invoice.grossTotal);
  const matches: DuplicateMatch[] = [];
  for (const other of earlier) {
    if (other.documentType !== invoice.documentType || !sameSupplier(invoice.supplier, other.supplier)) continue;
    const otherKey = normaliseInvoiceNumber(other.invoiceNumber);
    const daysApart = Math.abs(daysBetween(other.issueDate, invoice.issueDate));
    if (otherKey === key) {
      matches.push({ ...other, match: 'exact', editDistance: 0, daysApart });
      continue;
    }
    if (other.currency !== invoice.currency || !new Money(other.grossTotal).eq(gross) || daysApart > windowDays) continue;
    const edits = distance(key, otherKey);
    if (edits <= maxEdits && edits < Math.min(key.length, otherKey.length)) matches.push({ ...other, match: 'fuzzy', editDistance: edits, daysApart });
  }
  matches.sort((a, b) => (a.match === b.match ? 0 : a.match === 'exact' ? -1 : 1) || a.editDistance - b.editDistance || a.daysApart - b.daysApart);
  const best = matches[0] ?? null;
  const findings: Finding[] = [];
  if (best?.match === 'exact') {
    findings.push({
      kind: 'duplicateInvoice',
      severity: 'high',
      ruleId: 'EXF-DUP-EXACT',
      figures: { earlierInvoice: evidenceOf(best) },
      message: `Invoice ${invoice.invoiceNumber} from ${invoice.supplier.name} was already received as ${best.invoiceNumber} (issued ${best.issueDate}, ${best.currency} ${best.grossTotal})`,
      valueAtRisk: invoice.grossTotal,
    });
  } else if (best) {
    findings.push({
      kind: 'suspectedDuplicate',
      severity: 'warning',
      ruleId: 'EXF-DUP-FUZZY',
      figures: { earlierInvoice: evidenceOf(best) },
      message: `Invoice ${invoice.invoiceNumber} looks like ${best.invoiceNumber} from the same supplier: same amount ${best.currency} ${best.grossTotal}, issued ${best.daysApart} day(s) apart, numbers ${best.editDistance} edit(s) apart`,
      valueAtRisk: invoice.grossTotal,
    });
  }
  return {
    ok: !best,
    duplicate: best?.match === 'exact',
    suspected: best?.match === 'fuzzy',
    match: best,
    invoiceNumberKey: key,
    compared: earlier.length,
    valueAtRisk: largestValueAtRisk(findings),
    findings,
  };
}
