import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useApi } from '../api/ApiProvider.js';
import { describeApiError, type ApiKey } from '../api/client.js';
import { AdminSection } from './AdminSection.js';

const KEY_ROLES = ['integration', 'auditor', 'analyst'];

/** API keys for integrations: create (the secret is shown once), list, revoke. */
export function ApiKeysSection({ id }: { id: string }) {
  const { api } = useApi();
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState('integration');
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => api.listApiKeys().then(setKeys, (e) => setError(describeApiError(e))), [api]);
  useEffect(() => void refresh(), [refresh]);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const answer = await api.createApiKey(name, role);
      setCreated({ name: answer.name, key: answer.key });
      setName('');
      setError(null);
      await refresh();
    } catch (err) {
      setError(describeApiError(err));
    }
  };
  const revoke = async (key: ApiKey) => {
    try {
      await api.revokeApiKey(key.id);
      await refresh();
    } catch (err) {
      setError(describeApiError(err));
    }
  };
  return (
    <AdminSection id={id} title="API keys" intro="For integrations (ERP, scanning, BI). A key acts for one role in this tenant.">
      <form className="admin-inline" onSubmit={create} data-testid="api-key-form">
        <label className="admin-field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="e.g. ERP connector" />
        </label>
        <label className="admin-field">
          <span>Role</span>
          <select value={role} onChange={(e) => setRole(e.target.value)}>
            {KEY_ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn--primary">
          Create key
        </button>
      </form>
      {created && (
        <div className="admin-secret" role="status" data-testid="api-key-secret">
          <strong>Key “{created.name}” — copy it now, it is not shown again:</strong>
          <code>{created.key}</code>
          <button type="button" className="btn btn--ghost btn--small" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      {error && (
        <p className="banner banner--error" role="alert">
          {error}
        </p>
      )}
      {keys && keys.length > 0 && (
        <table className="admin-table" data-testid="api-keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} data-key-id={k.id}>
                <td>{k.name}</td>
                <td>{k.role}</td>
                <td>{new Date(k.createdAt).toLocaleString()}</td>
                <td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : 'never'}</td>
                <td className="admin-table__actions">
                  {k.revokedAt ? (
                    <span>Revoked</span>
                  ) : (
                    <button type="button" className="btn btn--danger-ghost btn--small" onClick={() => void revoke(k)} aria-label={`Revoke ${k.name}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {keys && keys.length === 0 && <p>No API keys yet.</p>}
    </AdminSection>
  );
}
