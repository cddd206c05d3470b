import { useTranslation } from 'react-i18next';
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
  const { t } = useTranslation();
  const link = (area: AppArea, href: string, label: string) => (
    <a href={href} className={current === area ? 'is-current' : ''} aria-current={current === area ? 'page' : undefined} data-testid={`nav-${area}`}>
      {label}
    </a>
  );
  return (
    <nav className="app-nav" aria-label={t('nav.main')}>
      {canDesign(roles) && link('flows', '#/', t('nav.flows'))}
      {link('inbox', '#/inbox', t('nav.inbox'))}
      {link('incidents', '#/incidents', t('nav.incidents'))}
      {insights && link('insights', '#/insights', t('nav.insights'))}
      {canAdminister(roles) && link('admin', '#/admin', t('nav.admin'))}
    </nav>
  );
}

/** "Skip to content": the first thing a keyboard reaches on every page. */
export function SkipLink() {
  const { t } = useTranslation();
  return (
    <a
      className="skip-link"
      href="#main"
      onClick={(e) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}
    >
      {t('common.skipToContent')}
    </a>
  );
}
