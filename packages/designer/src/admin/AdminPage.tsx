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
  const { user } = useApi();
  const platform = user.roles.includes('platform_admin');
  const acting = loadActingIn();
  const sections = [
    { id: 'admin-branding', title: 'Branding' },
    { id: 'admin-policies', title: 'Policies' },
    { id: 'admin-api-keys', title: 'API keys' },
    { id: 'admin-templates', title: 'Template packs' },
    { id: 'admin-ai', title: 'AI models' },
    ...(platform && !acting ? [{ id: 'admin-clients', title: 'Clients' }] : []),
  ];
  return (
    <div className="admin" data-testid="admin">
      <div className="admin__head">
        <h1>Admin</h1>
        <p>{acting ? `Settings of ${acting.name}, the client you act in.` : 'Settings of your tenant.'}</p>
        <nav aria-label="Admin sections" className="admin__toc">
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
