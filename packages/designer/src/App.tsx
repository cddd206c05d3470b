import { lazy, Suspense, useMemo, useState } from 'react';
import { ActingBanner } from './admin/ActingBanner.js';
import { ApiProvider } from './api/ApiProvider.js';
import { Brand, SupportContact } from './branding/Brand.js';
import { BrandingProvider } from './branding/BrandingProvider.js';
import { createApiClient } from './api/client.js';
import { AppNav, SkipLink } from './app/AppNav.js';
import { useHashRoute } from './app/useHashRoute.js';
import { LoginScreen } from './auth/LoginScreen.js';
import { clearSession, loadActingIn, loadSession, saveSession, type Session } from './auth/session.js';
import { readsInsights } from './workspace/workspaceRoute.js';
import { useWorkspaceRoute } from './workspace/workspaceRoute.js';
import { LanguageSwitch } from './i18n/LanguageSwitch.js';
import { useTranslation } from 'react-i18next';

// one chunk per area, loaded on first visit: an analyst's inbox never downloads the designer (canvas, ELK, inspector)
const DesignerPage = lazy(() => import('./app/DesignerPage.js').then((m) => ({ default: m.DesignerPage })));
const FlowListPage = lazy(() => import('./flows/FlowListPage.js').then((m) => ({ default: m.FlowListPage })));
const AdminPage = lazy(() => import('./admin/AdminPage.js').then((m) => ({ default: m.AdminPage })));
const WorkspaceApp = lazy(() => import('./workspace/WorkspaceApp.js').then((m) => ({ default: m.WorkspaceApp })));

/** The designer app: sign in, then the flow list or one flow's designer. */
export function App() {
  // re-renders the app when the language changes, so formatted dates and amounts follow too
  const { t } = useTranslation();
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [route, navigate] = useHashRoute();
  const workspaceRoute = useWorkspaceRoute(session?.user.roles ?? []);
  const api = useMemo(
    () =>
      createApiClient({
        getToken: () => loadSession()?.token ?? null,
        getTenant: () => loadActingIn()?.id ?? null,
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
        <ActingBanner />
        <Suspense fallback={<div className="app-loading">{t('common.loading')}</div>}>
          {workspaceRoute ? (
            <WorkspaceApp route={workspaceRoute} user={session.user} token={session.token} onSignOut={signOut} />
          ) : route.page === 'designer' ? (
            <DesignerPage key={route.definitionId} definitionId={route.definitionId} onBack={() => navigate({ page: 'flows' })} />
          ) : (
            <div className="app-shell">
              <SkipLink />
              <header className="app-header">
                <div className="app-header__left">
                  <Brand area={route.page === 'admin' ? t('nav.areaAdmin') : t('nav.areaDesigner')} />
                  <AppNav roles={session.user.roles} insights={readsInsights(session.user.roles, false)} current={route.page === 'admin' ? 'admin' : 'flows'} />
                </div>
                <div className="app-header__user">
                  <SupportContact />
                  <LanguageSwitch />
                  {session.user.name}{' '}
                  <button type="button" className="btn btn--ghost btn--small" onClick={signOut}>
                    {t('common.signOut')}
                  </button>
                </div>
              </header>
              <main id="main" tabIndex={-1}>
                {route.page === 'admin' ? <AdminPage /> : <FlowListPage onOpen={(id) => navigate({ page: 'designer', definitionId: id })} />}
              </main>
            </div>
          )}
        </Suspense>
      </BrandingProvider>
    </ApiProvider>
  );
}
