import type { User } from '../api/client.js';

const TOKEN = 'exflow.token';
const USER = 'exflow.user';

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
}
