import { getNodeKind, type FlowNode, type ValidationProblem } from '@exflow/shared';
import Form from '@rjsf/core';
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n as translations } from '../i18n/i18n.js';
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
  if (!schema) return <p className="inspector__note">This step's kind “{node.kind}” is not in the catalogue, so it cannot be configured.</p>;
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

/** A human task's field titles in the user's language (`humanTaskField.<name>`); other kinds and fields keep shared's. */
function withFieldTitles(ui: UiSchema, schema: RJSFSchema, kind: string): UiSchema {
  if (kind !== 'humanTask') return ui;
  const out: UiSchema = { ...ui };
  for (const name of Object.keys(schema.properties ?? {})) {
    const key = `humanTaskField.${name}`;
    if (translations.exists(key)) out[name] = { ...(out[name] as UiSchema | undefined), 'ui:title': translations.t(key as 'humanTaskField.queue') };
  }
  return out;
}
