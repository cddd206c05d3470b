import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/ApiProvider.js';
import { describeApiError, type Tenant } from '../api/client.js';
import { switchTenant } from './acting.js';
import { AdminSection } from './AdminSection.js';

/** An MSP's client tenants; "Act in this client" makes every call and socket of the session act there. */
export function ClientsSection({ id }: { id: string }) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [data, setData] = useState<{ tenant: Tenant; clients: Tenant[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.listClients().then(setData, (e) => setError(describeApiError(e)));
  }, [api]);
  return (
    <AdminSection id={id} title={t('admin.clients.title')} intro={t('admin.clients.intro')}>
      {error && (
        <p className="banner banner--error" role="alert">
          {error}
        </p>
      )}
      {data && data.clients.length === 0 && <p>{t('admin.clients.none')}</p>}
      {data && data.clients.length > 0 && (
        <ul className="admin-packs" data-testid="clients">
          {data.clients.map((c) => (
            <li key={c.id} data-client={c.id}>
              <div>
                <strong id={`client-${c.id}`}>{c.name}</strong> <span className="admin-muted">{c.id}</span>
              </div>
              <button
                type="button"
                className="btn btn--secondary"
                onClick={() => switchTenant({ id: c.id, name: c.name, home: data.tenant.name })}
                aria-describedby={`client-${c.id}`}
              >
                {t('admin.clients.actIn')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </AdminSection>
  );
}
