import type { TFunction } from 'i18next';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/ApiProvider.js';
import { describeApiError, type ApiKey } from '../api/client.js';
import { dateTime } from '../workspace/format.js';
import { AdminSection } from './AdminSection.js';

const KEY_ROLES = ['integration', 'auditor', 'analyst'] as const;

const keyRole = (role: string, t: TFunction) =>
  (KEY_ROLES as readonly string[]).includes(role) ? t(`admin.apiKeys.roles.${role as (typeof KEY_ROLES)[number]}`) : role;

/** API keys for integrations: create (the secret is shown once), list, revoke. */
export function ApiKeysSection({ id }: { id: string }) {
  const { t } = useTranslation();
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
      setError(describeApiError(err, { '/name': t('admin.apiKeys.name'), '/role': t('admin.apiKeys.role') }));
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
    <AdminSection id={id} title={t('admin.apiKeys.title')} intro={t('admin.apiKeys.intro')}>
      <form className="admin-inline" onSubmit={create} data-testid="api-key-form">
        <label className="admin-field">
          <span>{t('admin.apiKeys.name')}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder={t('admin.apiKeys.namePlaceholder')} />
        </label>
        <label className="admin-field">
          <span>{t('admin.apiKeys.role')}</span>
          <select value={role} onChange={(e) => setRole(e.target.value)}>
            {KEY_ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`admin.apiKeys.roles.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn--primary">
          {t('admin.apiKeys.create')}
        </button>
      </form>
      {created && (
        <div className="admin-secret" role="status" data-testid="api-key-secret">
          <strong>{t('admin.apiKeys.copyNow', { name: created.name })}</strong>
          <code>{created.key}</code>
          <button type="button" className="btn btn--ghost btn--small" onClick={() => setCreated(null)}>
            {t('admin.apiKeys.done')}
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
              <th scope="col">{t('admin.apiKeys.name')}</th>
              <th scope="col">{t('admin.apiKeys.role')}</th>
              <th scope="col">{t('admin.apiKeys.created')}</th>
              <th scope="col">{t('admin.apiKeys.lastUsed')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.apiKeys.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} data-key-id={k.id}>
                <td>{k.name}</td>
                <td>{keyRole(k.role, t)}</td>
                <td>{dateTime(k.createdAt)}</td>
                <td>{k.lastUsedAt ? dateTime(k.lastUsedAt) : t('admin.apiKeys.never')}</td>
                <td className="admin-table__actions">
                  {k.revokedAt ? (
                    <span>{t('admin.apiKeys.revoked')}</span>
                  ) : (
                    <button
                      type="button"
                      className="btn btn--danger-ghost btn--small"
                      onClick={() => void revoke(k)}
                      aria-label={t('admin.apiKeys.revokeNamed', { name: k.name })}
                    >
                      {t('admin.apiKeys.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {keys && keys.length === 0 && <p>{t('admin.apiKeys.none')}</p>}
    </AdminSection>
  );
}
