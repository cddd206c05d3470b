import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { ApiClient, Branding } from '../api/client.js';

export const DEFAULT_BRANDING: Branding = { productName: 'Exflow' };

const BrandingContext = createContext<Branding>(DEFAULT_BRANDING);
const ReloadContext = createContext<() => void>(() => {});

/**
 * Loads the signed-in tenant's brand (an MSP's, for its clients' users) and applies it: the
 * page title and the `--brand-primary` / `--brand-accent` colours. Until it arrives, or if it
 * cannot be loaded, the Exflow brand shows.
 */
export function BrandingProvider({ api, children }: { api: ApiClient; children: ReactNode }) {
  const [branding, setBranding] = useState<Branding>(DEFAULT_BRANDING);
  const [loads, setLoads] = useState(0);
  const reload = useCallback(() => setLoads((n) => n + 1), []);
  useEffect(() => {
    let live = true;
    api.getBranding().then(
      (b) => live && setBranding({ ...DEFAULT_BRANDING, ...b }),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api, loads]);
  useEffect(() => {
    document.title = branding.productName;
    const root = document.documentElement.style;
    if (branding.primaryColor) root.setProperty('--brand-primary', branding.primaryColor);
    else root.removeProperty('--brand-primary');
    if (branding.accentColor) root.setProperty('--brand-accent', branding.accentColor);
    else root.removeProperty('--brand-accent');
  }, [branding]);
  return (
    <ReloadContext.Provider value={reload}>
      <BrandingContext.Provider value={branding}>{children}</BrandingContext.Provider>
    </ReloadContext.Provider>
  );
}

export const useBranding = (): Branding => useContext(BrandingContext);
/** Loads the brand again (after the admin area saved it). */
export const useBrandingReload = (): (() => void) => useContext(ReloadContext);
