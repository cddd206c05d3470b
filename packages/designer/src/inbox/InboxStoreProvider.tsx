import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { InboxState, InboxStore } from './inboxStore.js';

const InboxContext = createContext<InboxStore | null>(null);

export function InboxStoreProvider({ store, children }: { store: InboxStore; children: ReactNode }) {
  return <InboxContext.Provider value={store}>{children}</InboxContext.Provider>;
}

export function useInboxStore(): InboxStore {
  const store = useContext(InboxContext);
  if (!store) throw new Error('useInbox* is used outside <InboxStoreProvider>');
  return store;
}

/** Subscribes to one part of the inbox state; pass a module-level selector. */
export function useInbox<T>(selector: (state: InboxState) => T): T {
  return useStore(useInboxStore(), selector);
}
