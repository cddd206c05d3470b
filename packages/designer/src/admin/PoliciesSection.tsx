import Form from '@rjsf/core';
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useApi } from '../api/ApiProvider.js';
import { describeApiError, type Policies } from '../api/client.js';
import { buttonTemplates, formValidator } from '../inspector/formTheme.js';
import { AdminSection } from './AdminSection.js';

const templates = { ButtonTemplates: buttonTemplates };
const defaultsBehaviour = { emptyObjectFields: 'skipDefaults', arrayMinItems: { populate: 'never' } } as const;

/**
 * The tenant's policies as a form built from the schema the API serves (`GET /policies/schema`).
 * Keys the MSP does not let a client override show the MSP's value, read-only.
 */
export function PoliciesSection({ id }: { id: string }) {
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
    const ui: UiSchema = { 'ui:submitButtonOptions': { submitText: 'Save policies', props: { className: 'btn btn--primary' } } };
    for (const key of Object.keys((schema?.properties as object | undefined) ?? {})) {
      ui[key] = { 'ui:title': titleOf(key), ...(policies && !policies.overridable.includes(key) ? { 'ui:readonly': true, 'ui:help': 'Set by your MSP' } : {}) };
    }
    return ui;
  }, [schema, policies]);
  if (!schema || !policies)
    return (
      <AdminSection id={id} title="Policies">
        {message ? (
          <p className="banner banner--error" role="alert">
            {message.text}
          </p>
        ) : (
          <p>Loading…</p>
        )}
      </AdminSection>
    );
  const save = async (formData: Record<string, unknown>) => {
    // only what this tenant may set: the MSP's keys are shown, never sent back
    const own = Object.fromEntries(Object.entries(formData).filter(([k, v]) => policies.overridable.includes(k) && v !== undefined));
    try {
      await api.setPolicies(own);
      await load();
      setMessage({ tone: 'ok', text: 'Policies saved.' });
    } catch (err) {
      setMessage({ tone: 'error', text: describeApiError(err) });
    }
  };
  return (
    <AdminSection
      id={id}
      title="Policies"
      intro="Tolerances, approval limits, the four-eyes threshold, check parameters and the template packs allowed. Empty fields inherit."
    >
      <div className="admin-policies" data-testid="policies-form">
        <Form
          className="config-form"
          schema={schema}
          uiSchema={uiSchema}
          formData={draft}
          validator={formValidator}
          templates={templates}
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

/** `priceTolerancePct` → "Price tolerance (%)". */
function titleOf(key: string): string {
  const words = key
    .replace(/Pct$/, '')
    .replace(/([A-Z])/g, ' $1')
    .toLowerCase()
    .replace(/\bpo\b/, 'PO');
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}${key.endsWith('Pct') ? ' (%)' : ''}`;
}
