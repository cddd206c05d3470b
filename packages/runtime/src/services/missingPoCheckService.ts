import { missingPoCheck, type MissingPoParams } from '@exflow/shared';
import { createReferenceRepository } from '../store/referenceRepository.js';
import { checkParams } from './checkParams.js';
import { PermanentServiceError, type ServiceHandler } from './registry.js';

/** Checks that the purchase order the invoice names exists for its supplier and currency. */
export const missingPoCheckService: ServiceHandler = async (call) => {
  const { tenantId, invoice, db } = call;
  if (!invoice) throw new PermanentServiceError('The case has no invoice to check');
  const po = invoice.poNumber ? await createReferenceRepository(db).purchaseOrder(tenantId, invoice.poNumber) : undefined;
  const { params } = await checkParams<MissingPoParams>(call, 'missingPoCheck');
  return missingPoCheck(invoice, po, params);
};
