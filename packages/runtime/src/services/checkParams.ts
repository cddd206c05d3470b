import { resolveCheckParams, type CheckName } from '@exflow/shared';
import { tenantPolicies } from '../auth/tenancy.js';
import type { ServiceCall } from './registry.js';

/**
 * A check node's parameters with the tenant's policies applied (policy, then the node where
 * the policy allows: see `resolveCheckParams`), and the policies themselves.
 */
export async function checkParams<T>(call: ServiceCall, check: CheckName): Promise<{ params: T; policies: Record<string, unknown> }> {
  const policies = await tenantPolicies(call.db, call.tenantId);
  return { params: resolveCheckParams(check, policies, call.params) as T, policies };
}
