import { threeWayMatch, type MatchTolerances } from '@exflow/shared';
import { createReferenceRepository } from '../store/referenceRepository.js';
import { checkParams } from './checkParams.js';
import { PermanentServiceError, type ServiceHandler } from './registry.js';

/** 3-way (2-way for service POs) match of the case's invoice against the tenant's PO and receipts. */
export const threeWayMatchService: ServiceHandler = async (call) => {
  const { tenantId, invoice, db } = call;
  if (!invoice) throw new PermanentServiceError('The case has no invoice to match');
  const po = invoice.poNumber ? await createReferenceRepository(db).purchaseOrder(tenantId, invoice.poNumber) : undefined;
  const { params } = await checkParams<MatchTolerances>(call, 'threeWayMatch');
  return threeWayMatch(invoice, po, params);
};
