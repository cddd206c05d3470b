import { useEffect, useState } from 'react';

/** A page of the analyst workspace: the inbox, one task, one case, the incidents, insights. */
export type WorkspaceRoute =
  | { page: 'inbox' }
  | { page: 'incidents' }
  | { page: 'task'; taskId: string }
  | { page: 'case'; caseId: string }
  | { page: 'insights' }
  | { page: 'notifications' };

/** Roles that design flows (an MSP's platform admin too); everyone else starts in the inbox. */
const DESIGN_ROLES = ['platform_admin', 'tenant_admin', 'process_owner'];
/** Roles that see the admin area (#/admin). */
const ADMIN_ROLES = ['platform_admin', 'tenant_admin'];

/**
 * `#/inbox`, `#/incidents`, `#/tasks/<id>`, `#/cases/<id>`, `#/insights`, `#/notifications`; `null` for the designer's own routes. A user who
 * cannot design flows lands in the inbox instead of the flow list.
 * @example parseWorkspaceRoute('#/tasks/t-1', ['analyst']) // { page: 'task', taskId: 't-1' }
 */
export function parseWorkspaceRoute(hash: string, roles: readonly string[]): WorkspaceRoute | null {
  const m = /^#\/(inbox|incidents|tasks|cases|insights|notifications)(?:\/([^/?#]+))?/.exec(hash);
  if (m?.[1] === 'insights') return { page: 'insights' };
  if (m?.[1] === 'notifications') return { page: 'notifications' };
  if (m?.[1] === 'tasks' && m[2]) return { page: 'task', taskId: decodeURIComponent(m[2]) };
  if (m?.[1] === 'cases' && m[2]) return { page: 'case', caseId: decodeURIComponent(m[2]) };
  if (m?.[1] === 'inbox') return { page: 'inbox' };
  if (m?.[1] === 'incidents') return { page: 'incidents' };
  const home = hash === '' || hash === '#' || hash === '#/';
  return home && !roles.some((r) => DESIGN_ROLES.includes(r)) ? { page: 'inbox' } : null;
}

export function workspaceHref(route: WorkspaceRoute): string {
  if (route.page === 'task') return `#/tasks/${encodeURIComponent(route.taskId)}`;
  if (route.page === 'case') return `#/cases/${encodeURIComponent(route.caseId)}`;
  if (route.page === 'incidents') return '#/incidents';
  if (route.page === 'insights') return '#/insights';
  if (route.page === 'notifications') return '#/notifications';
  return '#/inbox';
}

export const canDesign = (roles: readonly string[]) => roles.some((r) => DESIGN_ROLES.includes(r));
export const canAdminister = (roles: readonly string[]) => roles.some((r) => ADMIN_ROLES.includes(r));

/** Insights are for admins, process owners and auditors without asking; analysts and approvers who lead see them too. */
export const readsInsights = (roles: readonly string[], lead: boolean) =>
  lead || roles.some((r) => ['platform_admin', 'tenant_admin', 'process_owner', 'auditor'].includes(r));

/** The workspace route of the current hash, following it as it changes. */
export function useWorkspaceRoute(roles: readonly string[]): WorkspaceRoute | null {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return parseWorkspaceRoute(hash, roles);
}
