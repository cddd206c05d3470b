import type { User } from '../api/client.js';

const TOKEN = 'exflow.token';
const USER = 'exflow.user';
const ACTING = 'exflow.actingIn';

export interface Session {
  token: string;
  user: User;
}

/** The signed-in session of this tab (sessionStorage: it ends when the tab closes). */
export function loadSession(storage: Storage | undefined = globalThis.sessionStorage): Session | null {
  try {
    const token = storage?.getItem(TOKEN);
    const user = storage?.getItem(USER);
    return token && user ? { token, user: JSON.parse(user) as User } : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session, storage: Storage | undefined = globalThis.sessionStorage): void {
  storage?.setItem(TOKEN, session.token);
  storage?.setItem(USER, JSON.stringify(session.user));
}

export function clearSession(storage: Storage | undefined = globalThis.sessionStorage): void {
  storage?.removeItem(TOKEN);
  storage?.removeItem(USER);
  storage?.removeItem(ACTING);
}

/** The client tenant a platform admin acts in, and the MSP it comes back to. */
export interface ActingIn {
  id: string;
  name: string;
  home: string;
}

/** The client tenant this tab's platform admin acts in (`X-Exflow-Tenant` on every call and socket), if any. */
export function loadActingIn(storage: Storage | undefined = globalThis.sessionStorage): ActingIn | null {
  try {
    const value = storage?.getItem(ACTING);
    return value ? (JSON.parse(value) as ActingIn) : null;
  } catch {
    return null;
  }
}

export function saveActingIn(acting: ActingIn | null, storage: Storage | undefined = globalThis.sessionStorage): void {
  if (acting) storage?.setItem(ACTING, JSON.stringify(acting));
  else storage?.removeItem(ACTING);
}
