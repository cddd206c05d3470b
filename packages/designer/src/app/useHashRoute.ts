import { useCallback, useEffect, useState } from 'react';

export type Route = { page: 'flows' } | { page: 'admin' } | { page: 'designer'; definitionId: string };

/** `#/flows/<id>` opens a flow, `#/admin` the admin area; anything else is the flow list. Hash routes survive any static host. */
export function parseRoute(hash: string): Route {
  if (/^#\/admin(?:[/?#]|$)/.test(hash)) return { page: 'admin' };
  const m = /^#\/flows\/([^/?#]+)/.exec(hash);
  return m ? { page: 'designer', definitionId: decodeURIComponent(m[1]) } : { page: 'flows' };
}

export function useHashRoute(): [Route, (route: Route) => void] {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const navigate = useCallback((next: Route) => {
    window.location.hash = next.page === 'designer' ? `#/flows/${encodeURIComponent(next.definitionId)}` : next.page === 'admin' ? '#/admin' : '#/';
  }, []);
  return [route, navigate];
}
