import { duplicateCheck, type DuplicateParams } from '@exflow/shared';
import { createInvoiceRepository } from '../store/invoiceRepository.js';
import { checkParams } from './checkParams.js';
import { PermanentServiceError, type ServiceHandler } from './registry.js';

/** Compares the case's invoice with the tenant's earlier invoices; the earlier match is the evidence. */
export const duplicateCheckService: ServiceHandler = async (call) => {
  const { tenantId, caseId, invoice, db } = call;
  if (!invoice) throw new PermanentServiceError('The case has no invoice to check for duplicates');
  const { params: options } = await checkParams<DuplicateParams>(call, 'duplicateCheck');
  const earlier = await createInvoiceRepository(db).duplicateCandidates(tenantId, caseId, invoice, options.windowDays ?? 14);
  return duplicateCheck(invoice, earlier, options);
};
