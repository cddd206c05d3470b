import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { DesignerState, DesignerStore } from './designerStore.js';

const StoreContext = createContext<DesignerStore | null>(null);

/** Makes one designer store available to the components below it. */
export function DesignerStoreProvider({ store, children }: { store: DesignerStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

/** The store itself, for event handlers that read state without subscribing. */
export function useDesignerStore(): DesignerStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useDesigner* is used outside <DesignerStoreProvider>; wrap the designer in it');
  return store;
}

/** Subscribes to one slice of designer state; pass a module-level selector so renders stay narrow. */
export function useDesigner<T>(selector: (state: DesignerState) => T): T {
  return useStore(useDesignerStore(), selector);
}
