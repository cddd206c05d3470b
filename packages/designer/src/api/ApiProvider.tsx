import { createContext, useContext, type ReactNode } from 'react';
import type { ApiClient, User } from './client.js';

const ApiContext = createContext<{ api: ApiClient; user: User } | null>(null);

/** Provides the signed-in API client and user to the pages below. */
export function ApiProvider({ api, user, children }: { api: ApiClient; user: User; children: ReactNode }) {
  return <ApiContext.Provider value={{ api, user }}>{children}</ApiContext.Provider>;
}

export function useApi(): { api: ApiClient; user: User } {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi() is used outside <ApiProvider>; render pages inside it');
  return value;
}
