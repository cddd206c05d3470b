import { effectiveTaxRates, taxCheck, type TaxCheckParams, type TaxRate } from '@exflow/shared';
import { createReferenceRepository } from '../store/referenceRepository.js';
import { checkParams } from './checkParams.js';
import { PermanentServiceError, type ServiceHandler } from './registry.js';

/** Recomputes the invoice's tax against the rates of the supplier's country (from the invoice, else master data), the tenant's own rates (policy `taxRates`) first. */
export const taxCheckService: ServiceHandler = async (call) => {
  const { tenantId, invoice, db } = call;
  if (!invoice) throw new PermanentServiceError('The case has no invoice to check');
  const reference = createReferenceRepository(db);
  const country = invoice.supplier.country ?? (await reference.findSupplier(tenantId, invoice.supplier))?.country ?? null;
  const { params, policies } = await checkParams<TaxCheckParams>(call, 'taxCheck');
  const overrides = Array.isArray(policies.taxRates) ? (policies.taxRates as TaxRate[]) : undefined;
  const rates = country ? effectiveTaxRates(await reference.taxRates(country), overrides, country) : [];
  return taxCheck(invoice, { country, rates }, params);
};
