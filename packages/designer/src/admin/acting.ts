import { saveActingIn, type ActingIn } from '../auth/session.js';

/**
 * Starts (or, with `null`, ends) acting in a client tenant, then reloads the app so that every
 * API client, socket and cached brand of the session starts again in that tenant.
 * @example switchTenant({ id: 'acme', name: 'Acme Manufacturing', home: 'NorthLedger Services' })
 */
export function switchTenant(acting: ActingIn | null): void {
  saveActingIn(acting);
  window.location.hash = '#/';
  window.location.reload();
}
