import type { BusinessCalendar } from '@exflow/shared';
import { effectivePolicies, loadTenantWithParent } from '../auth/tenancy.js';
import type { Db } from '../store/db.js';

/**
 * The tenant's business calendar from its policies (`businessCalendar`, inherited from its MSP
 * unless the MSP lets clients override it); Monday to Friday in UTC without holidays when none is set.
 */
export async function loadBusinessCalendar(db: Db, tenantId: string): Promise<BusinessCalendar> {
  const { tenant, parent } = await loadTenantWithParent(db, tenantId);
  return (effectivePolicies(tenant, parent).businessCalendar as BusinessCalendar | undefined) ?? {};
}
