import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/ApiProvider.js';
import { describeApiError, type TemplatePack } from '../api/client.js';
import { AdminSection } from './AdminSection.js';

/** The template packs this tenant's policy allows, each installable here (flows published, reference data too). */
export function TemplatesSection({ id }: { id: string }) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [packs, setPacks] = useState<TemplatePack[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const refresh = useCallback(() => api.listTemplates().then(setPacks, (e) => setMessage({ tone: 'error', text: describeApiError(e) })), [api]);
  useEffect(() => void refresh(), [refresh]);
  const install = async (pack: TemplatePack) => {
    setBusy(pack.name);
    try {
      const result = await api.installTemplate(pack.name, { publish: true, referenceData: true });
      setMessage({
        tone: 'ok',
        text: t('admin.templates.result', {
          pack: pack.title,
          installed: result.installed.length ? result.installed.join(', ') : t('admin.templates.nothingNew'),
          skipped: result.skipped.length ? t('admin.templates.alreadyThere', { names: result.skipped.join(', ') }) : '',
        }),
      });
      await refresh();
    } catch (err) {
      setMessage({ tone: 'error', text: describeApiError(err) });
    } finally {
      setBusy(null);
    }
  };
  return (
    <AdminSection id={id} title={t('admin.templates.title')} intro={t('admin.templates.intro')}>
      {message && (
        <p
          className={message.tone === 'ok' ? 'admin-ok' : 'banner banner--error'}
          role={message.tone === 'ok' ? 'status' : 'alert'}
          data-testid="templates-message"
        >
          {message.text}
        </p>
      )}
      {packs === null ? (
        <p>{t('common.loading')}</p>
      ) : packs.length === 0 ? (
        <p>{t('admin.templates.none')}</p>
      ) : (
        <ul className="admin-packs" data-testid="template-packs">
          {packs.map((pack) => {
            const missing = pack.flows.filter((f) => !f.installed).length;
            return (
              <li key={pack.name} data-pack={pack.name}>
                <div>
                  <strong id={`pack-${pack.name}`}>{pack.title}</strong> <span className="admin-muted">v{pack.version}</span>
                  <p>{pack.description}</p>
                  <p className="admin-muted">{pack.flows.map((f) => `${f.name}${f.installed ? ' ✓' : ''}`).join(' · ')}</p>
                </div>
                <button
                  type="button"
                  className="btn btn--secondary"
                  disabled={busy !== null || missing === 0}
                  onClick={() => void install(pack)}
                  aria-describedby={`pack-${pack.name}`}
                >
                  {busy === pack.name ? t('admin.templates.installing') : missing === 0 ? t('admin.templates.installed') : t('admin.templates.install')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </AdminSection>
  );
}
