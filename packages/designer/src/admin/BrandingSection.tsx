import { useEffect, useState, type FormEvent } from 'react';
import { useApi } from '../api/ApiProvider.js';
import { describeApiError, type Branding } from '../api/client.js';
import { useBrandingReload } from '../branding/BrandingProvider.js';
import { AdminSection } from './AdminSection.js';

const FIELDS: { key: keyof Branding; label: string; type: string; hint?: string }[] = [
  { key: 'productName', label: 'Product name', type: 'text' },
  { key: 'logoUrl', label: 'Logo URL', type: 'url', hint: 'https://… or a data:image URL' },
  { key: 'primaryColor', label: 'Primary colour', type: 'color' },
  { key: 'accentColor', label: 'Accent colour', type: 'color' },
  { key: 'supportEmail', label: 'Support e-mail', type: 'email' },
  { key: 'supportUrl', label: 'Support URL', type: 'url', hint: 'https://…' },
];

/** The brand its users (and, for an MSP, its clients' users) see, with a live preview; only a platform admin saves it. */
export function BrandingSection({ id, canEdit }: { id: string; canEdit: boolean }) {
  const { api } = useApi();
  const reloadBranding = useBrandingReload();
  const [draft, setDraft] = useState<Branding | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  useEffect(() => {
    api.getBranding().then(
      (b) => setDraft({ primaryColor: '#1f4b99', accentColor: '#f2a900', ...b }),
      (e) => setMessage({ tone: 'error', text: describeApiError(e) }),
    );
  }, [api]);
  if (!draft)
    return (
      <AdminSection id={id} title="Branding">
        <p>Loading…</p>
      </AdminSection>
    );
  const save = async (e: FormEvent) => {
    e.preventDefault();
    // empty optional fields are left out: the API takes only well-formed values
    const body = Object.fromEntries(Object.entries(draft).filter(([, v]) => v !== undefined && v !== '')) as unknown as Branding;
    try {
      await api.setBranding(body);
      reloadBranding();
      setMessage({ tone: 'ok', text: 'Brand saved.' });
    } catch (err) {
      setMessage({ tone: 'error', text: describeApiError(err) });
    }
  };
  return (
    <AdminSection
      id={id}
      title="Branding"
      intro={canEdit ? 'What your users and your clients\u2019 users see.' : 'Your brand is set by your MSP (a platform admin).'}
    >
      <div className="admin-branding">
        <form className="admin-form" onSubmit={save} data-testid="branding-form">
          {FIELDS.map((f) => (
            <label key={f.key} className="admin-field">
              <span>{f.label}</span>
              <input
                type={f.type}
                name={f.key}
                value={draft[f.key] ?? ''}
                placeholder={f.hint}
                disabled={!canEdit}
                required={f.key === 'productName'}
                onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })}
              />
            </label>
          ))}
          {canEdit && (
            <button type="submit" className="btn btn--primary" data-testid="branding-save">
              Save brand
            </button>
          )}
          {message && (
            <p className={message.tone === 'ok' ? 'admin-ok' : 'banner banner--error'} role={message.tone === 'ok' ? 'status' : 'alert'}>
              {message.text}
            </p>
          )}
        </form>
        <BrandPreview branding={draft} />
      </div>
    </AdminSection>
  );
}

function BrandPreview({ branding }: { branding: Branding }) {
  return (
    <figure className="brand-preview" data-testid="brand-preview" aria-label="Preview">
      <figcaption>Preview</figcaption>
      <div className="brand-preview__bar" style={{ borderTopColor: branding.accentColor }}>
        {branding.logoUrl ? (
          <img src={branding.logoUrl} alt="" className="brand__logo" />
        ) : (
          <span className="brand__mark" style={{ background: branding.primaryColor }} aria-hidden>
            ⟶
          </span>
        )}
        <strong style={{ color: branding.primaryColor }}>{branding.productName || 'Product name'}</strong>
      </div>
      <div className="brand-preview__body">
        <span className="brand-preview__button" style={{ background: branding.primaryColor }}>
          Primary action
        </span>
        {(branding.supportEmail || branding.supportUrl) && <span>Help: {branding.supportUrl || branding.supportEmail}</span>}
      </div>
    </figure>
  );
}
