import { supplierCheck, type SupplierCheckParams } from '@exflow/shared';
import { createReferenceRepository } from '../store/referenceRepository.js';
import { checkParams } from './checkParams.js';
import { PermanentServiceError, type ServiceHandler } from './registry.js';

/** Compares the invoice's supplier with master data and its bank account history, as of today. */
export const supplierCheckService: ServiceHandler = async (call) => {
  const { tenantId, invoice, db } = call;
  if (!invoice) throw new PermanentServiceError('The case has no invoice to check');
  const reference = createReferenceRepository(db);
  const master = await reference.findSupplier(tenantId, invoice.supplier);
  const history = master ? await reference.bankAccountHistory(tenantId, master.id) : [];
  const { params } = await checkParams<SupplierCheckParams>(call, 'supplierCheck');
  return supplierCheck(invoice, master, history, params, new Date().toISOString().slice(0, 10));
};
