import type { Invoice } from '../invoice/invoice.js';
import { largestValueAtRisk, type Finding } from './finding.js';
import { daysBetween } from './money.js';

/** The supplier as master data knows it. */
export interface SupplierMaster {
  id: string;
  name: string;
  taxId?: string | null;
  country?: string | null;
  bankAccount?: string | null;
}

/** One entry of a supplier's bank account history: from `validFrom` on, payments go to `account`. */
export interface BankAccountChange {
  account: string;
  /** Date or timestamp (ISO 8601) from which the account applies. */
  validFrom: string;
  /** Whether this entry replaced an account (false for the first account on record). */
  change: boolean;
  /** The account it replaced, when known. */
  previousAccount: string | null;
}

export interface SupplierCheckParams {
  /** A bank account change this many days before today, or this near the issue date, is recent. Default 30. */
  recentChangeDays?: number;
}

export interface SupplierCheckResult {
  ok: boolean;
  known: boolean;
  supplierId: string | null;
  unknownSupplier: boolean;
  taxIdMismatch: boolean;
  bankAccountMismatch: boolean;
  bankAccountChangedRecently: boolean;
  /** When the master account last changed, and the account it replaced. */
  bankAccountChangedAt: string | null;
  previousBankAccount: string | null;
  /** Days from the last change to `today`. */
  daysSinceBankAccountChange: number | null;
  /** The most money any one finding puts at risk (decimal string); "0" when there is none. */
  valueAtRisk: string;
  findings: Finding[];
}

const compact = (s: string | null | undefined) => s?.toUpperCase().replace(/[^A-Z0-9]/g, '') || null;

/** Tax ids agree when equal after removing spaces and punctuation, with or without the country prefix. */
function sameTaxId(a: string, b: string): boolean {
  const [x, y] = [compact(a)!, compact(b)!];
  const bare = (s: string) => (/^[A-Z]{2}\d/.test(s) ? s.slice(2) : s);
  return x === y || bare(x) === bare(y);
}

/**
 * Compares the invoice's supplier with master data (DOMAIN.md, supplier data conflict): an
 * unknown supplier, a tax id that differs from master, a bank account on the invoice that is not
 * the master account, and a master account that changed recently: in the `recentChangeDays`
 * before `today`, or that many days around the invoice's issue date (a change just before or
 * after an invoice is issued is the usual pattern of payment-redirection fraud).
 * @example supplierCheck(invoice, master, history, { recentChangeDays: 30 }, '2026-11-26').bankAccountChangedRecently
 */
export function supplierCheck(
  invoice: Invoice,
  master: SupplierMaster | undefined,
  history: readonly BankAccountChange[],
  params: SupplierCheckParams,
  today: string,
): SupplierCheckResult {
  const days = params.recentChangeDays ?? 30;
  const findings: Finding[] = [];
  const base = {
    known: !!master,
    supplierId: master?.id ?? invoice.supplier.id ?? null,
    bankAccountChangedAt: null,
    previousBankAccount: null,
    daysSinceBankAccountChange: null,
  };
  if (!master) {
    findings.push({
      kind: 'unknownSupplier',
      severity: 'high',
      message: `Supplier ${invoice.supplier.name}${invoice.supplier.id ? ` (${invoice.supplier.id})` : ''} is not in supplier master data`,
      valueAtRisk: invoice.grossTotal,
    });
    return {
      ...base,
      ok: false,
      unknownSupplier: true,
      taxIdMismatch: false,
      bankAccountMismatch: false,
      bankAccountChangedRecently: false,
      valueAtRisk: largestValueAtRisk(findings),
      findings,
    };
  }
  const taxIdMismatch = !!invoice.supplier.taxId && !!master.taxId && !sameTaxId(invoice.supplier.taxId, master.taxId);
  if (taxIdMismatch) {
    findings.push({
      kind: 'taxIdMismatch',
      severity: 'high',
      message: `Tax id ${invoice.supplier.taxId} on the invoice is not ${master.taxId}, the tax id of ${master.name} in master data`,
      valueAtRisk: invoice.grossTotal,
    });
  }
  const bankAccountMismatch = !!invoice.supplier.bankAccount && compact(invoice.supplier.bankAccount) !== compact(master.bankAccount);
  if (bankAccountMismatch) {
    findings.push({
      kind: 'bankAccountMismatch',
      severity: 'high',
      message: `Bank account ${invoice.supplier.bankAccount} on the invoice is not ${master.bankAccount ?? 'on record'}, the account of ${master.name} in master data`,
      valueAtRisk: invoice.grossTotal,
    });
  }
  const changes = history.filter((h) => h.change).sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  const last = changes.at(-1);
  const sinceChange = last ? daysBetween(last.validFrom, today) : null;
  const nearIssue = last ? Math.abs(daysBetween(last.validFrom, invoice.issueDate)) <= days : false;
  const bankAccountChangedRecently = !!last && ((sinceChange! >= 0 && sinceChange! <= days) || nearIssue);
  if (bankAccountChangedRecently) {
    findings.push({
      kind: 'bankAccountChanged',
      severity: 'high',
      message: `The bank account of ${master.name} changed on ${last!.validFrom.slice(0, 10)}${last!.previousAccount ? ` from ${last!.previousAccount}` : ''} to ${last!.account}: verify the change with the supplier on a known contact before paying`,
      valueAtRisk: invoice.grossTotal,
    });
  }
  return {
    ok: findings.length === 0,
    known: true,
    supplierId: master.id,
    unknownSupplier: false,
    taxIdMismatch,
    bankAccountMismatch,
    bankAccountChangedRecently,
    bankAccountChangedAt: last?.validFrom ?? null,
    previousBankAccount: last?.previousAccount ?? null,
    daysSinceBankAccountChange: sinceChange,
    valueAtRisk: largestValueAtRisk(findings),
    findings,
  };
}
