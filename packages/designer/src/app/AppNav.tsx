import { canAdminister, canDesign } from '../workspace/workspaceRoute.js';

export type AppArea = 'flows' | 'inbox' | 'incidents' | 'insights' | 'admin' | 'other';

/** The top bar's links between the app's areas; each shows only to roles that may use it. */
export function AppNav({
  roles,
  current,
  insights = false,
}: {
  roles: readonly string[];
  current: AppArea;
  /** the caller may read Insights (leads, admins, owners, auditors) */ insights?: boolean;
}) {
  const link = (area: AppArea, href: string, label: string) => (
    <a href={href} className={current === area ? 'is-current' : ''} aria-current={current === area ? 'page' : undefined} data-testid={`nav-${area}`}>
      {label}
    </a>
  );
  return (
    <nav className="app-nav" aria-label="Main">
      {canDesign(roles) && link('flows', '#/', 'Flows')}
      {link('inbox', '#/inbox', 'Inbox')}
      {link('incidents', '#/incidents', 'Incidents')}
      {insights && link('insights', '#/insights', 'Insights')}
      {canAdminister(roles) && link('admin', '#/admin', 'Admin')}
    </nav>
  );
}

/** "Skip to content": the first thing a keyboard reaches on every page. */
export function SkipLink() {
  return (
    <a
      className="skip-link"
      href="#main"
      onClick={(e) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}
    >
      Skip to content
    </a>
  );
}
