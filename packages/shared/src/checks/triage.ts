import type { Invoice } from '../invoice/invoice.js';
import { duplicateCheck, type DuplicateParams, type EarlierInvoice } from './duplicateCheck.js';
import { EXCEPTION_KINDS, largestValueAtRisk, type Finding, type Severity } from './finding.js';
import { missingPoCheck, type MissingPoParams, type PoHeader } from './missingPoCheck.js';
import { Money } from './money.js';
import { supplierCheck, type BankAccountChange, type SupplierCheckParams, type SupplierMaster } from './supplierCheck.js';
import { taxCheck, type TaxCheckParams, type TaxRate } from './taxCheck.js';
import { threeWayMatch, type MatchPurchaseOrder, type MatchTolerances } from './threeWayMatch.js';

/** The checks triage runs, by the name of their service. */
export type CheckName = 'duplicateCheck' | 'threeWayMatch' | 'taxCheck' | 'supplierCheck' | 'missingPoCheck';

/**
 * Which tenant policy key sets which parameter of which check. The policy keys are what
 * `PUT /api/v1/policies` takes; the parameter names are the checks' own.
 */
export const CHECK_POLICY_KEYS: Record<CheckName, Record<string, string>> = {
  threeWayMatch: { priceTolerancePct: 'priceTolerancePct', quantityTolerancePct: 'quantityTolerancePct', amountTolerance: 'amountTolerance' },
  duplicateCheck: { windowDays: 'duplicateWindowDays', maxEditDistance: 'duplicateMaxEditDistance' },
  taxCheck: { lineTolerance: 'taxLineTolerance', headerTolerance: 'taxHeaderTolerance' },
  supplierCheck: { recentChangeDays: 'recentBankChangeDays' },
  missingPoCheck: { nonPoLimit: 'nonPoLimit' },
};

/** Parameters triage uses where the tenant's policies set nothing (DOMAIN.md's examples). */
export const TRIAGE_DEFAULTS: TriageParams = {
  threeWayMatch: { priceTolerancePct: 2, quantityTolerancePct: 0 },
  duplicateCheck: { windowDays: 14, maxEditDistance: 2 },
  taxCheck: { lineTolerance: 0.01, headerTolerance: 0.01 },
  supplierCheck: { recentChangeDays: 30 },
  missingPoCheck: { nonPoLimit: 0 },
};

export interface TriageParams {
  threeWayMatch: MatchTolerances;
  duplicateCheck: DuplicateParams;
  taxCheck: TaxCheckParams;
  supplierCheck: SupplierCheckParams;
  missingPoCheck: MissingPoParams;
}

const policyValues = (check: CheckName, policies: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(CHECK_POLICY_KEYS[check])
      .filter(([, key]) => policies[key] !== undefined)
      .map(([param, key]) => [param, policies[key]]),
  );

/**
 * Triage's parameters: the defaults, overridden by the tenant's effective policies (its MSP's,
 * and its own where the MSP allows).
 * @example triageParams({ priceTolerancePct: 10 }).threeWayMatch.priceTolerancePct // 10
 */
export function triageParams(policies: Record<string, unknown>): TriageParams {
  const out = {} as Record<CheckName, Record<string, unknown>>;
  for (const check of Object.keys(CHECK_POLICY_KEYS) as CheckName[]) out[check] = { ...TRIAGE_DEFAULTS[check], ...policyValues(check, policies) };
  return out as TriageParams;
}

/**
 * The parameters a check node runs with inside a flow: the tenant's policy values, and the
 * node's own parameters where the policy sets nothing or lists the key in
 * `flowOverridableParams` (a policy is the tenant's standard; a flow may only loosen or tighten
 * it where the policy says so). Parameters no policy knows pass through from the node.
 * @example resolveCheckParams('threeWayMatch', { priceTolerancePct: 10 }, { priceTolerancePct: 2 }) // { priceTolerancePct: 10 }
 */
export function resolveCheckParams(check: string, policies: Record<string, unknown>, nodeParams: Record<string, unknown>): Record<string, unknown> {
  const keys = CHECK_POLICY_KEYS[check as CheckName];
  if (!keys) return nodeParams;
  const fromPolicy = policyValues(check as CheckName, policies);
  const overridable = new Set(Array.isArray(policies.flowOverridableParams) ? (policies.flowOverridableParams as string[]) : []);
  const fromNode = Object.fromEntries(Object.entries(nodeParams).filter(([param]) => !(param in fromPolicy) || overridable.has(keys[param]!)));
  return { ...nodeParams, ...fromPolicy, ...fromNode };
}

/**
 * The VAT rates of a country as the tenant uses them: the tenant's own rows for the country
 * (policy `taxRates`) replace the shared table's; other countries keep the table's.
 * @example effectiveTaxRates(table, [{ country: 'NL', rate: '6' }], 'NL') // [{ country: 'NL', rate: '6' }]
 */
export function effectiveTaxRates(table: readonly TaxRate[], overrides: readonly TaxRate[] | undefined, country: string | null): TaxRate[] {
  const own = (overrides ?? []).filter((r) => r.country === country);
  return own.length > 0 ? own : table.filter((r) => r.country === country);
}

/** What triage compares an invoice with, loaded by the runtime from reference data. */
export interface TriageReference {
  purchaseOrder?: MatchPurchaseOrder & PoHeader;
  supplier?: SupplierMaster;
  bankAccountHistory: readonly BankAccountChange[];
  /** The supplier's country (invoice, else master data) and its rates, tenant overrides applied. */
  taxCountry: string | null;
  taxRates: readonly TaxRate[];
  /** Invoices the tenant received before this one that could duplicate it. */
  earlierInvoices: readonly EarlierInvoice[];
  /** Today (YYYY-MM-DD): the supplier check's "changed recently" counts from it. */
  today: string;
}

/** A finding as triage stores it: which check found it, and always a rule id. */
export interface TriageFinding extends Finding {
  check: CheckName;
  ruleId: string;
}

export interface TriageResult {
  findings: TriageFinding[];
  /** The most money any one finding puts at risk (decimal string); "0" when clean. */
  valueAtRisk: string;
  /** Figures for FEEL routing and the case view. */
  summary: {
    maxPriceVariancePct: number | null;
    maxQuantityVariance: number | null;
    taxMaxDifference: number;
    duplicateOf: string | null;
    nonPoSpend: boolean;
    poFound: boolean;
    supplierKnown: boolean;
  };
  params: TriageParams;
}

/**
 * Runs the tenant's check suite on one invoice (ARCHITECTURE.md, "Detect"): duplicate (exact
 * and fuzzy), missing PO, the 3-way / 2-way match when the PO is usable, tax and EN 16931
 * arithmetic, and the supplier against master data. Findings that two checks would both report
 * (a missing PO) are reported once.
 * @example triage(invoice, reference, triageParams(policies)).findings.map((f) => f.kind)
 */
export function triage(invoice: Invoice, reference: TriageReference, params: TriageParams): TriageResult {
  const findings: TriageFinding[] = [];
  const add = (check: CheckName, list: readonly Finding[]) => {
    for (const f of list) findings.push({ ...f, check, ruleId: f.ruleId ?? `EXF-${f.kind}` });
  };
  const duplicate = duplicateCheck(invoice, reference.earlierInvoices, params.duplicateCheck);
  add('duplicateCheck', duplicate.findings);
  const po = missingPoCheck(invoice, reference.purchaseOrder, params.missingPoCheck);
  add('missingPoCheck', po.findings);
  const match = po.ok && reference.purchaseOrder ? threeWayMatch(invoice, reference.purchaseOrder, params.threeWayMatch) : undefined;
  if (match) add('threeWayMatch', match.findings);
  const tax = taxCheck(invoice, { country: reference.taxCountry, rates: reference.taxRates }, params.taxCheck);
  add('taxCheck', tax.findings);
  const supplier = supplierCheck(invoice, reference.supplier, reference.bankAccountHistory, params.supplierCheck, reference.today);
  add('supplierCheck', supplier.findings);
  return {
    findings,
    valueAtRisk: largestValueAtRisk(findings),
    summary: {
      maxPriceVariancePct: match?.maxPriceVariancePct ?? null,
      maxQuantityVariance: match?.maxQuantityVariance ?? null,
      taxMaxDifference: tax.maxDifference,
      duplicateOf: duplicate.match?.invoiceId ?? null,
      nonPoSpend: po.nonPoSpend,
      poFound: po.poFound,
      supplierKnown: supplier.known,
    },
    params,
  };
}

const SEVERITY_RANK: Record<Severity, number> = { high: 2, warning: 1, info: 0 };
const KIND_RANK = new Map<string, number>(EXCEPTION_KINDS.map((k, i) => [k, i]));

/**
 * Findings riskiest first: by severity, then value at risk, then kind (EXCEPTION_KINDS order,
 * so an exact duplicate outranks a missing PO of the same amount).
 */
export function rankFindings<F extends Finding>(findings: readonly F[]): F[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      new Money(b.valueAtRisk).abs().cmp(new Money(a.valueAtRisk).abs()) ||
      (KIND_RANK.get(a.kind) ?? 99) - (KIND_RANK.get(b.kind) ?? 99),
  );
}
