import { duplicateCheck, type DuplicateParams } from '@exflow/shared';
import { createInvoiceRepository } from '../store/invoiceRepository.js';
import { PermanentServiceError, type ServiceHandler } from './registry.js';

/** Compares the case's invoice with the tenant's earlier invoices; the earlier match is the evidence. */
export const duplicateCheckService: ServiceHandler = async ({ tenantId, caseId, invoice, params, db }) => {
  if (!invoice) throw new PermanentServiceError('The case has no invoice to check for duplicates');
  const options = params as DuplicateParams;
  const earlier = await createInvoiceRepository(db).duplicateCandidates(tenantId, caseId, invoice, options.windowDays ?? 14);
  return duplicateCheck(invoice, earlier, options);
};
