import { effectiveTaxRates, triage, triageParams, type Invoice, type TaxRate, type TriageResult } from '@exflow/shared';
import type { Db } from '../store/db.js';
import { createInvoiceRepository } from '../store/invoiceRepository.js';
import { createReferenceRepository } from '../store/referenceRepository.js';

/**
 * Loads what the tenant's check suite compares an invoice with (master data, its PO, the VAT
 * rates of the supplier's country with the tenant's overrides, the invoices received before
 * it) and runs the pure `triage` of shared with parameters from the tenant's policies.
 * Call it inside the intake transaction, after the invoice row is inserted.
 */
export async function triageInvoice(
  db: Db,
  tenantId: string,
  invoiceId: string,
  invoice: Invoice,
  policies: Record<string, unknown>,
  today: string,
): Promise<TriageResult> {
  const params = triageParams(policies);
  const reference = createReferenceRepository(db);
  // one after the other: on PGlite every query shares the transaction's one connection
  const supplier = await reference.findSupplier(tenantId, invoice.supplier);
  const bankAccountHistory = supplier ? await reference.bankAccountHistory(tenantId, supplier.id) : [];
  const purchaseOrder = invoice.poNumber ? await reference.purchaseOrder(tenantId, invoice.poNumber) : undefined;
  const taxCountry = invoice.supplier.country ?? supplier?.country ?? null;
  const overrides = Array.isArray(policies.taxRates) ? (policies.taxRates as TaxRate[]) : undefined;
  const ownRates = overrides?.some((r) => r.country === taxCountry);
  const taxRates = taxCountry ? effectiveTaxRates(ownRates ? [] : await reference.taxRates(taxCountry), overrides, taxCountry) : [];
  const earlierInvoices = await createInvoiceRepository(db).duplicateCandidatesOfInvoice(tenantId, invoiceId, invoice, params.duplicateCheck.windowDays ?? 14);
  return triage(invoice, { supplier, bankAccountHistory, purchaseOrder, taxCountry, taxRates, earlierInvoices, today }, params);
}
