import { getDefaultRegistry } from '@rjsf/core';
import type { BaseInputTemplateProps, IconButtonProps, ObjectFieldTemplateProps, RegistryFieldsType, RegistryWidgetsType } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import { useState } from 'react';
import { fieldTitle } from '../i18n/designerText.js';
import { i18n, runtimeText } from '../i18n/i18n.js';
import { QueueWidget, RolesField } from './AssignmentWidgets.js';
import { DurationWidget } from './DurationWidget.js';
import { FeelWidget } from './FeelWidget.js';
import { groupsFor, isFilled } from './formSupport.js';
import { JsonField } from './JsonField.js';

/** rjsf's validator knowing shared's formats; field errors come from shared `validate()` instead. */
export const formValidator = customizeValidator({
  customFormats: { feel: () => true, date: /^\d{4}-\d{2}-\d{2}$/ },
  ajvOptionsOverrides: { strict: false },
});

export const formWidgets: RegistryWidgetsType = { feel: FeelWidget, duration: DurationWidget, queue: QueueWidget };
export const formFields: RegistryFieldsType = { json: JsonField, roles: RolesField };

/** A form button; a label given as a function is read on each render (it follows the language). */
function button(label: string | (() => string), className: string) {
  return function Button({ onClick, disabled, title, id }: IconButtonProps) {
    return (
      <button type="button" id={id} className={`form-btn ${className}`} onClick={onClick} disabled={disabled} title={title} aria-label={title}>
        {typeof label === 'function' ? label() : label}
      </button>
    );
  };
}

export const buttonTemplates = {
  AddButton: button(() => i18n.t('form.add'), 'form-btn--add'),
  CopyButton: button('⧉', 'form-btn--icon'),
  MoveUpButton: button('↑', 'form-btn--icon'),
  MoveDownButton: button('↓', 'form-btn--icon'),
  RemoveButton: button('✕', 'form-btn--icon form-btn--danger'),
  ClearButton: button('✕', 'form-btn--icon'),
};

/** The root of a config form in collapsible groups, a dot on those filled in; nested objects stay flat. */
export function ObjectFieldTemplate(props: ObjectFieldTemplateProps) {
  const { properties, fieldPathId, schema, formData, registry, onAddProperty } = props;
  const AddButton = registry.templates.ButtonTemplates.AddButton;
  const isRoot = fieldPathId.path.length === 0;
  if (!isRoot) {
    return (
      <div className="form-object" id={fieldPathId.$id}>
        {properties.filter((p) => !p.hidden).map((p) => p.content)}
        {schema.additionalProperties && !schema.properties && <AddButton onClick={onAddProperty} registry={registry} />}
      </div>
    );
  }
  const kind = (registry.formContext as { kind?: string } | undefined)?.kind ?? '';
  const byName = new Map(properties.map((p) => [p.name, p]));
  return (
    <div className="form-groups" id={fieldPathId.$id}>
      {groupsFor(kind, schema as Record<string, unknown>).map((group) => (
        <FormGroup
          key={group.label}
          label={groupLabel(group.label, kind, group.fields)}
          filled={group.fields.some((f) => isFilled((formData as Record<string, unknown> | undefined)?.[f]))}
        >
          {group.fields.map((f) => byName.get(f)?.content)}
        </FormGroup>
      ))}
    </div>
  );
}

function FormGroup({ label, filled, children }: { label: string; filled: boolean; children: React.ReactNode }) {
  const [open, setOpen] = useState(true);
  return (
    <section className={`form-group-box ${open ? 'is-open' : ''}`}>
      <button type="button" className="form-group-box__head" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
        <span className="form-group-box__chevron" aria-hidden>
          {open ? '▾' : '▸'}
        </span>
        {label}
        {filled && <span className="form-group-box__dot" title={i18n.t('form.filledIn')} />}
      </button>
      {open && <div className="form-group-box__body">{children}</div>}
    </section>
  );
}

/**
 * A group's name in the user's language ("Assignment" → "Zuständigkeit"); a group of one list or
 * object is named by that field's title; unknown groups keep theirs.
 */
function groupLabel(label: string, kind: string, fields: string[]): string {
  const key = `configGroup.${label.toLowerCase()}`;
  if (i18n.exists(key)) return runtimeText(key);
  return (fields.length === 1 ? fieldTitle(kind, fields[0]!) : undefined) ?? label;
}

const CoreInput = getDefaultRegistry().templates.BaseInputTemplate;

/**
 * rjsf's input, named for assistive technology where its visible label is hidden (the entries
 * of a list of plain values, e.g. an approval's approve outcomes): axe counts an unnamed input
 * as a serious finding.
 */
export function BaseInputTemplate(props: BaseInputTemplateProps) {
  return props.hideLabel ? <CoreInput {...props} aria-label={props.label} /> : <CoreInput {...props} />;
}
