import Form from '@rjsf/core';
import { englishStringTranslator, TranslatableString, type IconButtonProps, type RJSFSchema, type UiSchema } from '@rjsf/utils';
import type { TFunction } from 'i18next';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/ApiProvider.js';
import { describeApiError, type Policies } from '../api/client.js';
import { buttonTemplates, formValidator } from '../inspector/formTheme.js';
import { en, type Catalogue } from '../i18n/catalogue/en.js';
import { AdminSection } from './AdminSection.js';

/** rjsf's "+ Add" in the user's language (the other buttons are symbols; their titles come from `translateString`). */
function AddButton({ onClick, disabled, id }: IconButtonProps) {
  const { t } = useTranslation();
  return (
    <button type="button" id={id} className="form-btn form-btn--add" onClick={onClick} disabled={disabled}>
      {t('admin.policies.add')}
    </button>
  );
}
const templates = { ButtonTemplates: { ...buttonTemplates, AddButton } };

/** The words rjsf shows itself (button titles), in the user's language; any other in rjsf's English. */
const RJSF_WORDS: Partial<Record<TranslatableString, keyof Catalogue['admin']['policies']['rjsf']>> = {
  [TranslatableString.AddButton]: 'add',
  [TranslatableString.AddItemButton]: 'add',
  [TranslatableString.CopyButton]: 'copy',
  [TranslatableString.MoveDownButton]: 'moveDown',
  [TranslatableString.MoveUpButton]: 'moveUp',
  [TranslatableString.RemoveButton]: 'remove',
  [TranslatableString.ClearButton]: 'clear',
};
const defaultsBehaviour = { emptyObjectFields: 'skipDefaults', arrayMinItems: { populate: 'never' } } as const;

/**
 * The tenant's policies as a form built from the schema the API serves (`GET /policies/schema`).
 * Keys the MSP does not let a client override show the MSP's value, read-only.
 */
export function PoliciesSection({ id }: { id: string }) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [schema, setSchema] = useState<RJSFSchema | null>(null);
  const [policies, setPolicies] = useState<Policies | null>(null);
  const [draft, setDraft] = useState<Record<string, unknown>>({});
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const load = useCallback(async () => {
    const [s, p] = await Promise.all([api.getPolicySchema(), api.getPolicies()]);
    setSchema(s as RJSFSchema);
    setPolicies(p);
    setDraft(withInherited(p));
  }, [api]);
  useEffect(() => {
    load().catch((e) => setMessage({ tone: 'error', text: describeApiError(e) }));
  }, [load]);
  const uiSchema = useMemo<UiSchema>(() => {
    const ui: UiSchema = { 'ui:submitButtonOptions': { submitText: t('admin.policies.save'), props: { className: 'btn btn--primary' } } };
    for (const key of Object.keys((schema?.properties as object | undefined) ?? {})) {
      ui[key] = {
        ...policyUi(key, t),
        ...(policies && !policies.overridable.includes(key) ? { 'ui:readonly': true, 'ui:help': t('admin.policies.setByMsp') } : {}),
      };
    }
    return ui;
  }, [schema, policies, t]);
  // rjsf names an array's entries after its schema title ("Approval limits-1"), not its ui:title
  const titled = useMemo<RJSFSchema | null>(
    () =>
      schema && {
        ...schema,
        properties: Object.fromEntries(
          Object.entries(schema.properties ?? {}).map(([key, property]) => [
            key,
            typeof property === 'object' ? { ...property, title: policyTitle(key, t) } : property,
          ]),
        ),
      },
    [schema, t],
  );
  if (!schema || !policies || !titled)
    return (
      <AdminSection id={id} title={t('admin.policies.title')}>
        {message ? (
          <p className="banner banner--error" role="alert">
            {message.text}
          </p>
        ) : (
          <p>{t('common.loading')}</p>
        )}
      </AdminSection>
    );
  const save = async (formData: Record<string, unknown>) => {
    // only what this tenant may set: the MSP's keys are shown, never sent back
    const own = Object.fromEntries(Object.entries(formData).filter(([k, v]) => policies.overridable.includes(k) && v !== undefined));
    try {
      await api.setPolicies(own);
      await load();
      setMessage({ tone: 'ok', text: t('admin.policies.saved') });
    } catch (err) {
      const labels = Object.fromEntries(Object.keys(schema.properties ?? {}).map((key) => [`/policies/${key}`, policyTitle(key, t)]));
      setMessage({ tone: 'error', text: describeApiError(err, labels) });
    }
  };
  return (
    <AdminSection id={id} title={t('admin.policies.title')} intro={t('admin.policies.intro')}>
      <div className="admin-policies" data-testid="policies-form">
        <Form
          className="config-form"
          schema={titled}
          uiSchema={uiSchema}
          formData={draft}
          validator={formValidator}
          templates={templates}
          translateString={(text, params) => {
            const word = RJSF_WORDS[text];
            return word ? t(`admin.policies.rjsf.${word}`) : englishStringTranslator(text, params);
          }}
          idPrefix="policy"
          showErrorList={false}
          experimental_defaultFormStateBehavior={defaultsBehaviour}
          onChange={({ formData }) => setDraft((formData ?? {}) as Record<string, unknown>)}
          onSubmit={({ formData }) => void save((formData ?? {}) as Record<string, unknown>)}
        />
      </div>
      {message && (
        <p
          className={message.tone === 'ok' ? 'admin-ok' : 'banner banner--error'}
          role={message.tone === 'ok' ? 'status' : 'alert'}
          data-testid="policies-message"
        >
          {message.text}
        </p>
      )}
    </AdminSection>
  );
}

/** The tenant's own values, and the MSP's for the keys it may not override. */
function withInherited(p: Policies): Record<string, unknown> {
  const inherited = Object.fromEntries(Object.entries(p.inherited).filter(([k]) => !p.overridable.includes(k)));
  return { ...inherited, ...p.own };
}

type PolicyKey = keyof Catalogue['admin']['policies']['field'];
type HelpKey = keyof Catalogue['admin']['policies']['help'];
const isPolicyKey = (key: string): key is PolicyKey => Object.hasOwn(en.admin.policies.field, key);
const hasHelp = (key: string): key is HelpKey => Object.hasOwn(en.admin.policies.help, key);

/** A policy's name in the user's language; a key the catalogue does not name (a newer one) in words of its own. */
function policyTitle(key: string, t: TFunction): string {
  return isPolicyKey(key) ? t(`admin.policies.field.${key}`) : titleOf(key);
}

/**
 * A policy's title and help in the user's language, and those of the fields inside it (the
 * business calendar, approval limits, tax rates); a key the catalogue does not name keeps the
 * schema's description.
 */
function policyUi(key: string, t: TFunction): UiSchema {
  const ui: UiSchema = { 'ui:title': policyTitle(key, t), ...(hasHelp(key) ? { 'ui:description': t(`admin.policies.help.${key}`) } : {}) };
  const c = (field: keyof Catalogue['admin']['policies']['calendar']) => t(`admin.policies.calendar.${field}`);
  switch (key) {
    case 'sodDesignCheck':
      return { ...ui, 'ui:enumNames': [t('admin.policies.sodChoice.refuse'), t('admin.policies.sodChoice.warn')] };
    case 'businessCalendar':
      return {
        ...ui,
        workingDays: { 'ui:title': c('workingDays'), 'ui:description': c('workingDaysHelp') },
        holidays: { 'ui:title': c('holidays'), 'ui:description': c('holidaysHelp') },
        timeZone: { 'ui:title': c('timeZone'), 'ui:description': c('timeZoneHelp') },
      };
    case 'approvalLimits':
      return {
        ...ui,
        items: {
          role: { 'ui:title': t('admin.policies.limit.role') },
          businessUnit: { 'ui:title': t('admin.policies.limit.businessUnit') },
          maxAmount: { 'ui:title': t('admin.policies.limit.maxAmount') },
        },
      };
    case 'taxRates':
      return {
        ...ui,
        items: {
          country: { 'ui:title': t('admin.policies.taxRate.country') },
          rate: { 'ui:title': t('admin.policies.taxRate.rate') },
          validFrom: { 'ui:title': t('admin.policies.taxRate.validFrom') },
          validTo: { 'ui:title': t('admin.policies.taxRate.validTo') },
        },
      };
    default:
      return ui;
  }
}

/** `priceTolerancePct` → "Price tolerance (%)". */
function titleOf(key: string): string {
  const words = key
    .replace(/Pct$/, '')
    .replace(/([A-Z])/g, ' $1')
    .toLowerCase()
    .replace(/\bpo\b/, 'PO');
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}${key.endsWith('Pct') ? ' (%)' : ''}`;
}
