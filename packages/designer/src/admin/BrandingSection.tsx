import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/ApiProvider.js';
import { describeApiError, type Branding } from '../api/client.js';
import { useBrandingReload } from '../branding/BrandingProvider.js';
import { AdminSection } from './AdminSection.js';

/** The brand's fields; each is named `admin.branding.<key>` in the catalogue, its hint `admin.branding.<hint>`. */
const FIELDS: { key: keyof Branding; type: string; hint?: 'logoHint' | 'urlHint' }[] = [
  { key: 'productName', type: 'text' },
  { key: 'logoUrl', type: 'url', hint: 'logoHint' },
  { key: 'primaryColor', type: 'color' },
  { key: 'accentColor', type: 'color' },
  { key: 'supportEmail', type: 'email' },
  { key: 'supportUrl', type: 'url', hint: 'urlHint' },
];

/** The brand its users (and, for an MSP, its clients' users) see, with a live preview; only a platform admin saves it. */
export function BrandingSection({ id, canEdit }: { id: string; canEdit: boolean }) {
  const { t } = useTranslation();
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
      <AdminSection id={id} title={t('admin.branding.title')}>
        <p>{t('common.loading')}</p>
      </AdminSection>
    );
  const save = async (e: FormEvent) => {
    e.preventDefault();
    // empty optional fields are left out: the API takes only well-formed values
    const body = Object.fromEntries(Object.entries(draft).filter(([, v]) => v !== undefined && v !== '')) as unknown as Branding;
    try {
      await api.setBranding(body);
      reloadBranding();
      setMessage({ tone: 'ok', text: t('admin.branding.saved') });
    } catch (err) {
      setMessage({ tone: 'error', text: describeApiError(err, Object.fromEntries(FIELDS.map((f) => [`/${f.key}`, t(`admin.branding.${f.key}`)]))) });
    }
  };
  return (
    <AdminSection id={id} title={t('admin.branding.title')} intro={canEdit ? t('admin.branding.intro') : t('admin.branding.introReadOnly')}>
      <div className="admin-branding">
        <form className="admin-form" onSubmit={save} data-testid="branding-form">
          {FIELDS.map((f) => (
            <label key={f.key} className="admin-field">
              <span>{t(`admin.branding.${f.key}`)}</span>
              <input
                type={f.type}
                name={f.key}
                value={draft[f.key] ?? ''}
                placeholder={f.hint && t(`admin.branding.${f.hint}`)}
                disabled={!canEdit}
                required={f.key === 'productName'}
                onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })}
              />
            </label>
          ))}
          {canEdit && (
            <button type="submit" className="btn btn--primary" data-testid="branding-save">
              {t('admin.branding.save')}
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
  const { t } = useTranslation();
  return (
    <figure className="brand-preview" data-testid="brand-preview" aria-label={t('admin.branding.preview')}>
      <figcaption>{t('admin.branding.preview')}</figcaption>
      <div className="brand-preview__bar" style={{ borderTopColor: branding.accentColor }}>
        {branding.logoUrl ? (
          <img src={branding.logoUrl} alt="" className="brand__logo" />
        ) : (
          <span className="brand__mark" style={{ background: branding.primaryColor }} aria-hidden>
            ⟶
          </span>
        )}
        <strong style={{ color: branding.primaryColor }}>{branding.productName || t('admin.branding.productName')}</strong>
      </div>
      <div className="brand-preview__body">
        <span className="brand-preview__button" style={{ background: branding.primaryColor }}>
          {t('admin.branding.primaryAction')}
        </span>
        {(branding.supportEmail || branding.supportUrl) && (
          <span>
            {t('common.help')} {branding.supportUrl || branding.supportEmail}
          </span>
        )}
      </div>
    </figure>
  );
}
