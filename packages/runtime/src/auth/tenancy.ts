import { forbidden } from '../errors.js';
import type { Db } from '../store/db.js';
import { createTenantRepository, type Branding, type TenantRecord } from '../store/tenantRepository.js';
import type { Principal } from './roles.js';

/**
 * The principal acting in another tenant: only a platform admin of an MSP, only in one of its
 * own client tenants. Anything else is refused (403), never silently ignored.
 */
export async function actAsTenant(db: Db, principal: Principal, target: string): Promise<Principal> {
  if (target === principal.tenantId) return principal;
  if (!principal.roles.includes('platform_admin')) {
    throw forbidden(`Only a platform admin may act in another tenant; you are in "${principal.tenantId}"`);
  }
  const tenant = await createTenantRepository(db).get(target);
  if (!tenant || tenant.parentId !== principal.tenantId) {
    throw forbidden(`Tenant "${target}" is not a client of "${principal.tenantId}"`);
  }
  return { ...principal, tenantId: target };
}

/**
 * Policies in force for a tenant: its MSP's policies, overridden by the tenant's own only
 * for the keys the MSP allows (all keys for a tenant without an MSP).
 */
export function effectivePolicies(tenant: TenantRecord, parent: TenantRecord | undefined): Record<string, unknown> {
  if (!parent) return { ...tenant.policies };
  const own = Object.fromEntries(Object.entries(tenant.policies).filter(([key]) => parent.overridable.includes(key)));
  return { ...parent.policies, ...own };
}

export const DEFAULT_BRANDING: Branding = { productName: 'Exflow', primaryColor: '#1f4b99', accentColor: '#f2a900', supportEmail: 'support@exflow.dev' };

/** The brand a tenant's users see: its MSP's, else its own, else Exflow's. */
export function effectiveBranding(tenant: TenantRecord, parent: TenantRecord | undefined): Branding {
  return parent?.branding ?? tenant.branding ?? DEFAULT_BRANDING;
}

export async function loadTenantWithParent(db: Db, tenantId: string): Promise<{ tenant: TenantRecord; parent?: TenantRecord }> {
  const tenants = createTenantRepository(db);
  const tenant = await tenants.get(tenantId);
  if (!tenant) throw forbidden(`Tenant "${tenantId}" does not exist`);
  return { tenant, parent: tenant.parentId ? await tenants.get(tenant.parentId) : undefined };
}

/** The policies in force for a tenant (see `effectivePolicies`). */
export async function tenantPolicies(db: Db, tenantId: string): Promise<Record<string, unknown>> {
  const { tenant, parent } = await loadTenantWithParent(db, tenantId);
  return effectivePolicies(tenant, parent);
}
