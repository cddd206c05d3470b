import { lazy, Suspense, useMemo, useState } from 'react';
import { ApiProvider } from './api/ApiProvider.js';
import { Brand, SupportContact } from './branding/Brand.js';
import { BrandingProvider } from './branding/BrandingProvider.js';
import { createApiClient } from './api/client.js';
import { useHashRoute } from './app/useHashRoute.js';
import { LoginScreen } from './auth/LoginScreen.js';
import { clearSession, loadSession, saveSession, type Session } from './auth/session.js';
import { useWorkspaceRoute } from './inbox/workspaceRoute.js';

// one chunk per area, loaded on first visit: an analyst's inbox never downloads the designer (canvas, ELK, inspector)
const DesignerPage = lazy(() => import('./app/DesignerPage.js').then((m) => ({ default: m.DesignerPage })));
const FlowListPage = lazy(() => import('./flows/FlowListPage.js').then((m) => ({ default: m.FlowListPage })));
const WorkspaceApp = lazy(() => import('./inbox/WorkspaceApp.js').then((m) => ({ default: m.WorkspaceApp })));

/** The designer app: sign in, then the flow list or one flow's designer. */
export function App() {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [route, navigate] = useHashRoute();
  const workspaceRoute = useWorkspaceRoute(session?.user.roles ?? []);
  const api = useMemo(
    () =>
      createApiClient({
        getToken: () => loadSession()?.token ?? null,
        onUnauthorized: () => {
          clearSession();
          setSession(null);
        },
      }),
    [],
  );
  if (!session) {
    return (
      <LoginScreen
        onSignedIn={(s) => {
          saveSession(s);
          setSession(s);
        }}
      />
    );
  }
  const signOut = () => {
    clearSession();
    setSession(null);
  };
  return (
    <ApiProvider api={api} user={session.user}>
      <BrandingProvider api={api}>
        <Suspense fallback={<div className="app-loading">Loading…</div>}>
        {workspaceRoute ? (
          <WorkspaceApp route={workspaceRoute} user={session.user} token={session.token} onSignOut={signOut} />
        ) : route.page === 'designer' ? (
          <DesignerPage key={route.definitionId} definitionId={route.definitionId} onBack={() => navigate({ page: 'flows' })} />
        ) : (
          <div className="app-shell">
            <header className="app-header">
              <Brand area="Designer" />
              <div className="app-header__user">
                <SupportContact />
                <a className="btn btn--ghost btn--small" href="#/inbox">Inbox</a>
                <a className="btn btn--ghost btn--small" href="#/insights" data-testid="nav-insights">Insights</a>
                {session.user.name} <button type="button" className="btn btn--ghost btn--small" onClick={signOut}>Sign out</button>
              </div>
            </header>
            <FlowListPage onOpen={(id) => navigate({ page: 'designer', definitionId: id })} />
          </div>
        )}
        </Suspense>
      </BrandingProvider>
    </ApiProvider>
  );
}
