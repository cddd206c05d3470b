import { createContext, lazy, Suspense, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '../api/client.js';
import { LanguageSwitch } from '../i18n/LanguageSwitch.js';
import { loadActingIn } from '../auth/session.js';
import { AppNav, SkipLink } from '../app/AppNav.js';
import { Brand, SupportContact } from '../branding/Brand.js';
import { IncidentsPage } from '../cases/IncidentsPage.js';
import { LiveProvider, useLive } from './live.js';
import { InsightsPage } from '../insights/InsightsPage.js';
import { InboxPage } from '../inbox/InboxPage.js';
import './workspace.css';
import { createWorkspaceApi, type TeamMember, type WorkspaceApi } from './workspaceApi.js';
import { readsInsights, workspaceHref, type WorkspaceRoute } from './workspaceRoute.js';

// the task view brings the form renderer (rjsf), the case view the flow map (@xyflow): loaded when opened, not with the inbox
const TaskPage = lazy(() => import('../inbox/TaskPage.js').then((m) => ({ default: m.TaskPage })));
const CasePage = lazy(() => import('../cases/CasePage.js').then((m) => ({ default: m.CasePage })));
const NotificationsPage = lazy(() => import('../inbox/NotificationsPage.js').then((m) => ({ default: m.NotificationsPage })));

interface Workspace {
  api: WorkspaceApi;
  user: User;
  team: TeamMember[];
  /** A person's name from their id ("Exflow" for the system, the id when unknown). */
  nameOf(id: string | null | undefined): string;
}

const WorkspaceContext = createContext<Workspace | null>(null);

export function useWorkspace(): Workspace {
  const value = useContext(WorkspaceContext);
  if (!value) throw new Error('useWorkspace() is used outside <WorkspaceApp>');
  return value;
}

/**
 * The analyst workspace: inbox, task view and case view, live over one Socket.IO connection.
 * Rendered by `App` for `#/inbox`, `#/incidents`, `#/tasks/<id>` and `#/cases/<id>`.
 */
export function WorkspaceApp({ route, user, token, onSignOut }: { route: WorkspaceRoute; user: User; token: string; onSignOut(): void }) {
  const signOut = useRef(onSignOut);
  signOut.current = onSignOut;
  const api = useMemo(
    () => createWorkspaceApi({ getToken: () => token, getTenant: () => loadActingIn()?.id ?? null, onUnauthorized: () => signOut.current() }),
    [token],
  );
  const { t } = useTranslation();
  const [team, setTeam] = useState<TeamMember[]>([]);
  useEffect(() => {
    api.team().then(setTeam, () => setTeam([]));
  }, [api]);
  const workspace = useMemo<Workspace>(() => {
    const names = new Map(team.map((m) => [m.id, m.name]));
    return { api, user, team, nameOf: (id) => (!id ? '—' : id === 'system' ? 'Exflow' : (names.get(id) ?? id)) };
  }, [api, user, team]);
  return (
    <WorkspaceContext.Provider value={workspace}>
      <LiveProvider token={token}>
        <div className="app-shell ws-shell">
          <SkipLink />
          <WorkspaceHeader route={route} user={user} onSignOut={onSignOut} />
          <main className="ws-main" id="main" tabIndex={-1}>
            <Suspense fallback={<div className="ws-loading">{t('common.loading')}</div>}>{page(route)}</Suspense>
          </main>
        </div>
      </LiveProvider>
    </WorkspaceContext.Provider>
  );
}

function page(route: WorkspaceRoute): ReactNode {
  if (route.page === 'task') return <TaskPage key={route.taskId} taskId={route.taskId} />;
  if (route.page === 'case') return <CasePage key={route.caseId} caseId={route.caseId} />;
  if (route.page === 'incidents') return <IncidentsPage />;
  if (route.page === 'insights') return <InsightsPage />;
  if (route.page === 'notifications') return <NotificationsPage />;
  return <InboxPage />;
}

function WorkspaceHeader({ route, user, onSignOut }: { route: WorkspaceRoute; user: User; onSignOut(): void }) {
  const { connected, connection } = useLive();
  const { api } = useWorkspace();
  const { t } = useTranslation();
  const [lead, setLead] = useState(false);
  useEffect(
    () =>
      void api.inboxSummary().then(
        (s) => setLead(s.lead),
        () => setLead(false),
      ),
    [api],
  );
  return (
    <header className="app-header">
      <div className="app-header__left">
        <Brand area={t('nav.areaWorkspace')} />
        <AppNav
          roles={user.roles}
          insights={readsInsights(user.roles, lead)}
          current={route.page === 'inbox' || route.page === 'incidents' || route.page === 'insights' ? route.page : 'other'}
        />
      </div>
      <div className="app-header__user">
        <SupportContact />
        <span className={`ws-live ${connected ? 'is-on' : connection ? 'is-lost' : ''}`} data-testid="live-status" title={t('workspace.liveTitle')}>
          {connected ? t('workspace.live') : connection ? t('workspace.reconnecting') : t('workspace.connecting')}
        </span>
        <LanguageSwitch />
        {user.name}
        <a
          href={workspaceHref({ page: 'notifications' })}
          className="btn btn--ghost btn--small"
          data-testid="nav-notifications"
          aria-current={route.page === 'notifications' ? 'page' : undefined}
        >
          {t('nav.notifications')}
        </a>
        <button type="button" className="btn btn--ghost btn--small" onClick={onSignOut}>
          {t('common.signOut')}
        </button>
      </div>
    </header>
  );
}
