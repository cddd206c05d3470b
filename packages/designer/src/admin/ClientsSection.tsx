import { useEffect, useState } from 'react';
import { useApi } from '../api/ApiProvider.js';
import { describeApiError, type Tenant } from '../api/client.js';
import { switchTenant } from './acting.js';
import { AdminSection } from './AdminSection.js';

/** An MSP's client tenants; "Act in this client" makes every call and socket of the session act there. */
export function ClientsSection({ id }: { id: string }) {
  const { api } = useApi();
  const [data, setData] = useState<{ tenant: Tenant; clients: Tenant[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.listClients().then(setData, (e) => setError(describeApiError(e)));
  }, [api]);
  return (
    <AdminSection id={id} title="Clients" intro="Client tenants of your MSP. Acting in one shows its flows, inbox and settings until you come back.">
      {error && (
        <p className="banner banner--error" role="alert">
          {error}
        </p>
      )}
      {data && data.clients.length === 0 && <p>No client tenants yet.</p>}
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
                Act in this client
              </button>
            </li>
          ))}
        </ul>
      )}
    </AdminSection>
  );
}
