import { taxCheck, type TaxCheckParams } from '@exflow/shared';
import { createReferenceRepository } from '../store/referenceRepository.js';
import { PermanentServiceError, type ServiceHandler } from './registry.js';

/** Recomputes the invoice's tax against the rates of the supplier's country (from the invoice, else master data). */
export const taxCheckService: ServiceHandler = async ({ tenantId, invoice, params, db }) => {
  if (!invoice) throw new PermanentServiceError('The case has no invoice to check');
  const reference = createReferenceRepository(db);
  const country = invoice.supplier.country ?? (await reference.findSupplier(tenantId, invoice.supplier))?.country ?? null;
  const rates = country ? await reference.taxRates(country) : [];
  return taxCheck(invoice, { country, rates }, params as TaxCheckParams);
};
