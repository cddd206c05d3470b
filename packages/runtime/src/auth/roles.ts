/** Every role the platform knows (ARCHITECTURE.md, Security model). */
export const ROLES = ['platform_admin', 'tenant_admin', 'process_owner', 'analyst', 'approver', 'auditor', 'integration'] as const;
export type Role = (typeof ROLES)[number];

/** The signed-in caller, from a verified token. */
export interface Principal {
  userId: string;
  tenantId: string;
  email: string;
  name: string;
  roles: Role[];
  /**
   * Set for an API key: the user who created it. Segregation of duties counts the key as that
   * person (a key never is a second pair of eyes, nor a way round self-approval).
   */
  keyCreatedBy?: string | null;
}

/** Every role, for what anyone signed in may do. @alias of ROLES */
export const ANY_ROLE: readonly Role[] = ROLES;
/** Every role, for reads open to all. @alias of ROLES */
export const READERS: readonly Role[] = ROLES;
/**
 * People's work: tasks, inboxes, comments, attachments, the team and delegations. Every role but
 * `integration`, whose keys are for intake and reference data (docs/security.md).
 */
export const STAFF: readonly Role[] = ROLES.filter((r) => r !== 'integration');
export const DESIGNERS: readonly Role[] = ['platform_admin', 'tenant_admin', 'process_owner'];
export const WORKERS: readonly Role[] = ['platform_admin', 'tenant_admin', 'process_owner', 'analyst', 'approver'];
export const INTAKE: readonly Role[] = ['platform_admin', 'tenant_admin', 'process_owner', 'analyst', 'integration'];
export const AUDITORS: readonly Role[] = ['auditor', 'tenant_admin', 'platform_admin'];
export const ADMINS: readonly Role[] = ['tenant_admin', 'platform_admin'];
