import { useTranslation } from 'react-i18next';
import { useBranding } from './BrandingProvider.js';

/** The product mark and name in a header, in the tenant's brand; `area` names the part of the app. */
export function Brand({ area, large = false }: { area?: string; large?: boolean }) {
  const branding = useBranding();
  return (
    <div className={large ? 'brand brand--large' : 'brand'} data-testid="brand">
      {branding.logoUrl ? (
        <img className="brand__logo" src={branding.logoUrl} alt="" />
      ) : (
        <span className="brand__mark" aria-hidden>
          ⟶
        </span>
      )}
      <span className="brand__name">{branding.productName}</span>
      {area && <span className="brand__product">{area}</span>}
    </div>
  );
}

/** Where users of this brand get help, when the brand says. */
export function SupportContact() {
  const { t } = useTranslation();
  const { supportEmail, supportUrl } = useBranding();
  if (!supportEmail && !supportUrl) return null;
  return (
    <span className="brand__support" data-testid="support-contact">
      {t('common.help')} {supportUrl ? <a href={supportUrl}>{supportUrl}</a> : <a href={`mailto:${supportEmail}`}>{supportEmail}</a>}
    </span>
  );
}
