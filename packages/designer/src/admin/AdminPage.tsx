import { useTranslation } from 'react-i18next';
import { useApi } from '../api/ApiProvider.js';
import { AiSection } from './AiSection.js';
import { loadActingIn } from '../auth/session.js';
import { ApiKeysSection } from './ApiKeysSection.js';
import { BrandingSection } from './BrandingSection.js';
import { ClientsSection } from './ClientsSection.js';
import { PoliciesSection } from './PoliciesSection.js';
import { TemplatesSection } from './TemplatesSection.js';
import './admin.css';

/**
 * The admin area (`#/admin`) of a tenant admin or an MSP's platform admin: brand, policies, API
 * keys, template packs, the AI models (docs/ai.md) and, for a platform admin in its own tenant, the client tenants to act in.
 */
export function AdminPage() {
  const { t } = useTranslation();
  const { user } = useApi();
  const platform = user.roles.includes('platform_admin');
  const acting = loadActingIn();
  const sections = [
    { id: 'admin-branding', title: t('admin.branding.title') },
    { id: 'admin-policies', title: t('admin.policies.title') },
    { id: 'admin-api-keys', title: t('admin.apiKeys.title') },
    { id: 'admin-templates', title: t('admin.templates.title') },
    { id: 'admin-ai', title: t('admin.ai.title') },
    ...(platform && !acting ? [{ id: 'admin-clients', title: t('admin.clients.title') }] : []),
  ];
  return (
    <div className="admin" data-testid="admin">
      <div className="admin__head">
        <h1>{t('admin.title')}</h1>
        <p>{acting ? t('admin.actingIn', { name: acting.name }) : t('admin.ownTenant')}</p>
        <nav aria-label={t('admin.sections')} className="admin__toc">
          {sections.map((s) => (
            <a
              key={s.id}
              href={`#/admin`}
              onClick={(e) => {
                e.preventDefault();
                document.getElementById(s.id)?.scrollIntoView();
                document.getElementById(`${s.id}-title`)?.focus();
              }}
            >
              {s.title}
            </a>
          ))}
        </nav>
      </div>
      {platform && !acting && <ClientsSection id="admin-clients" />}
      <BrandingSection id="admin-branding" canEdit={platform} />
      <PoliciesSection id="admin-policies" />
      <ApiKeysSection id="admin-api-keys" />
      <TemplatesSection id="admin-templates" />
      <AiSection id="admin-ai" />
    </div>
  );
}
