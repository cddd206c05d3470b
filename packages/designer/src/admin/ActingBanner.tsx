import { useTranslation } from 'react-i18next';
import { loadActingIn } from '../auth/session.js';
import { switchTenant } from './acting.js';

/** "Acting in Acme — back to NorthLedger": always on screen while a platform admin acts in a client. */
export function ActingBanner() {
  const { t } = useTranslation();
  const acting = loadActingIn();
  if (!acting) return null;
  return (
    <div className="acting-banner" role="status" data-testid="acting-banner">
      {t('admin.acting.in')} <strong>{acting.name}</strong> —{' '}
      <button type="button" className="acting-banner__back" onClick={() => switchTenant(null)} data-testid="acting-back">
        {t('admin.acting.back', { home: acting.home })}
      </button>
    </div>
  );
}
