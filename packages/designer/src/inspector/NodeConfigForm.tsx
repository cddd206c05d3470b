import { getNodeKind, type FlowNode, type ValidationProblem } from '@exflow/shared';
import Form from '@rjsf/core';
import { englishStringTranslator, TranslatableString, type RJSFSchema, type UiSchema } from '@rjsf/utils';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldHelp, fieldTitle } from '../i18n/designerText.js';
import { i18n as translations, runtimeText } from '../i18n/i18n.js';
import { selectDefinition } from '../store/flowSlice.js';
import { useDesigner, useDesignerStore } from '../store/DesignerStoreProvider.js';
import { sameJson } from '../versions/diff.js';
import { invoiceFields, upstreamFields } from './availableFields.js';
import { BaseInputTemplate, buttonTemplates, formFields, formValidator, formWidgets, ObjectFieldTemplate } from './formTheme.js';
import { errorSchemaFor, uiSchemaFor } from './formSupport.js';

const templates = { BaseInputTemplate, ButtonTemplates: buttonTemplates, ObjectFieldTemplate };
const INVOICE_FIELDS = invoiceFields();
const defaultsBehaviour = { emptyObjectFields: 'skipDefaults', arrayMinItems: { populate: 'never' } } as const;

/** The selected step's config as a form rendered from its kind's `configSchema` (no form per kind). */
export function NodeConfigForm({ node, problems, readOnly }: { node: FlowNode; problems: ValidationProblem[]; readOnly: boolean }) {
  const store = useDesignerStore();
  const definition = useDesigner(selectDefinition);
  const kind = getNodeKind(node.kind);
  const schema = kind?.configSchema as RJSFSchema | undefined;
  const { i18n } = useTranslation();
  const uiSchema = useMemo(
    () => ({ ...(schema ? withFieldTitles(uiSchemaFor(schema), schema, node.kind) : {}), 'ui:submitButtonOptions': { norender: true } }),
    [schema, node.kind, i18n.language], // eslint-disable-line react-hooks/exhaustive-deps -- the titles follow the language
  );
  const extraErrors = useMemo(() => errorSchemaFor(problems), [problems]);
  const upstream = useMemo(() => upstreamFields(definition, node.id), [definition.edges, definition.nodes, node.id]); // eslint-disable-line react-hooks/exhaustive-deps -- upstreamFields reads only nodes and edges; renaming the flow must not recompute them
  const formContext = useMemo(() => ({ kind: node.kind, fields: [...upstream, ...INVOICE_FIELDS] }), [node.kind, upstream]);
  if (!schema) return <p className="inspector__note">{translations.t('form.notInCatalogue', { kind: node.kind })}</p>;
  return (
    <Form
      key={node.id}
      className="config-form"
      schema={schema}
      uiSchema={uiSchema}
      formData={node.config ?? {}}
      validator={formValidator}
      widgets={formWidgets}
      fields={formFields}
      templates={templates}
      formContext={formContext}
      translateString={translateString}
      extraErrors={extraErrors}
      showErrorList={false}
      noValidate
      readonly={readOnly}
      idPrefix={`cfg-${node.id}`}
      experimental_defaultFormStateBehavior={defaultsBehaviour}
      onChange={({ formData }) => {
        const next = (formData ?? {}) as Record<string, unknown>;
        // rjsf reports its own normalisation too; only a real edit becomes an undo step
        if (!readOnly && !sameJson(next, node.config ?? {})) store.getState().updateNodeConfig(node.id, next);
      }}
    />
  );
}

/**
 * Every field's title and help in the user's language, by the field's schema path under the
 * node kind (see `fieldTitle`); a field the catalogue does not name keeps shared's title.
 */
function withFieldTitles(ui: UiSchema, schema: RJSFSchema, kind: string, path = ''): UiSchema {
  const out: UiSchema = { ...ui };
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    if (typeof child !== 'object') continue;
    const at = path ? `${path}/${name}` : name;
    const title = fieldTitle(kind, at);
    const help = fieldHelp(kind, at);
    let childUi = withFieldTitles((out[name] as UiSchema | undefined) ?? {}, child, kind, at);
    if (title) childUi = { ...childUi, 'ui:title': title };
    if (help) childUi = { ...childUi, 'ui:description': help };
    const values = (child.enum as unknown[] | undefined)?.map((v) => String(v));
    if (values && translations.exists(`fieldValue.${name}.${values[0]}`))
      childUi = { ...childUi, 'ui:enumNames': values.map((v) => runtimeText(`fieldValue.${name}.${v}`)) };
    const items = child.items;
    if (items && typeof items === 'object' && !Array.isArray(items))
      childUi = { ...childUi, items: withFieldTitles((childUi.items as UiSchema | undefined) ?? {}, items, kind, `${at}/*`) };
    if (Object.keys(childUi).length) out[name] = childUi;
  }
  return out;
}

/** rjsf's own texts (Add item, Move up, …) from the catalogue (`form.<rjsf's name>`), else its English. */
const rjsfNames = new Map(Object.entries(TranslatableString).map(([name, english]) => [english as string, name]));
function translateString(key: TranslatableString, params?: string[]): string {
  const name = rjsfNames.get(key);
  const catalogueKey = `form.${name}`;
  if (!name || !translations.exists(catalogueKey)) return englishStringTranslator(key, params);
  return translations.t(catalogueKey as 'form.AddButton', { name: params?.[0] ?? '' });
}
