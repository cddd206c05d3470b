import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { ApiClient, Branding } from '../api/client.js';

export const DEFAULT_BRANDING: Branding = { productName: 'Exflow' };

const BrandingContext = createContext<Branding>(DEFAULT_BRANDING);

/**
 * Loads the signed-in tenant's brand (an MSP's, for its clients' users) and applies it: the
 * page title and the `--brand-primary` / `--brand-accent` colours. Until it arrives, or if it
 * cannot be loaded, the Exflow brand shows.
 */
export function BrandingProvider({ api, children }: { api: ApiClient; children: ReactNode }) {
  const [branding, setBranding] = useState<Branding>(DEFAULT_BRANDING);
  useEffect(() => {
    let live = true;
    api.getBranding().then(
      (b) => live && setBranding({ ...DEFAULT_BRANDING, ...b }),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api]);
  useEffect(() => {
    document.title = branding.productName;
    const root = document.documentElement.style;
    if (branding.primaryColor) root.setProperty('--brand-primary', branding.primaryColor);
    else root.removeProperty('--brand-primary');
    if (branding.accentColor) root.setProperty('--brand-accent', branding.accentColor);
    else root.removeProperty('--brand-accent');
  }, [branding]);
  return <BrandingContext.Provider value={branding}>{children}</BrandingContext.Provider>;
}

export const useBranding = (): Branding => useContext(BrandingContext);
