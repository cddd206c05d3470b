import type { JsonSchema, ValidationProblem } from '@exflow/shared';
import type { ErrorSchema, UiSchema } from '@rjsf/utils';

/** The parts of a JSON Schema the inspector reads (config schemas are plain JSON Schema objects). */
export type SchemaView = {
  type?: string;
  title?: unknown;
  readOnly?: boolean;
  properties?: Record<string, SchemaView>;
  items?: SchemaView;
  anyOf?: readonly unknown[];
  enum?: readonly unknown[];
  /** How the designer edits the field (shared's node kinds declare it): `duration`, `queue`, `roles`. */
  'x-widget'?: string;
};

/**
 * A uiSchema derived from a config schema, never written per kind: objects without declared
 * properties (a task's form, a generic service's params) are edited as JSON; read-only
 * consts are shown read-only.
 */
export function uiSchemaFor(schema: JsonSchema): UiSchema {
  const ui: UiSchema = {};
  const s = schema as SchemaView;
  if (s.type === 'object' && !s.properties) return { 'ui:field': 'json' };
  // a list the tenant knows (roles) replaces the whole array editor; a single value gets a widget
  if (s['x-widget']) return s.type === 'array' ? { 'ui:field': s['x-widget'] } : { 'ui:widget': s['x-widget'] };
  if (s.readOnly || 'const' in s) ui['ui:readonly'] = true;
  if (s.type === 'string' && /instructions|description/i.test(String(s.title ?? ''))) ui['ui:widget'] = 'textarea';
  for (const [name, child] of Object.entries<JsonSchema>(s.properties ?? {})) {
    const childUi = uiSchemaFor(child);
    if (Object.keys(childUi).length) ui[name] = childUi;
  }
  if (s.type === 'array' && s.items) {
    const itemsUi = uiSchemaFor(s.items);
    // list entries of plain values need no label of their own ("Candidate roles-1")
    if (s.items.type !== 'object' && s.items.type !== 'array') itemsUi['ui:options'] = { label: false };
    ui.items = itemsUi;
    ui['ui:options'] = { orderable: true };
  }
  return ui;
}

/**
 * Shared `validate()` problems of one node as rjsf errors on their fields, so each field turns
 * red with the same message the problem list shows. FEEL syntax is left to the FEEL widget,
 * which checks as the user types.
 */
export function errorSchemaFor(problems: readonly ValidationProblem[]): ErrorSchema {
  const root: ErrorSchema = {};
  for (const problem of problems) {
    if (!problem.path?.startsWith('/config/') || problem.code === 'feel.syntax') continue;
    const segments = problem.path.slice('/config/'.length).split('/').filter(Boolean);
    let at = root;
    for (const segment of segments) at = at[segment] ??= {};
    (at.__errors ??= []).push(problem.message.replace(/^[^:]+: /, ''));
  }
  return root;
}

/** A human-task form groups its fields the way finance teams think of a task. */
const GROUP_HINTS: Record<string, { label: string; fields: string[] }[]> = {
  humanTask: [
    { label: 'Assignment', fields: ['queue', 'candidateRoles'] },
    { label: 'SLA', fields: ['dueIn', 'dueInBusinessDays', 'priority'] },
    { label: 'Task', fields: ['title', 'instructions'] },
    { label: 'Outcomes', fields: ['outcomes'] },
    { label: 'Form', fields: ['form'] },
    { label: 'Result', fields: ['resultVar'] },
  ],
};

/**
 * The collapsible groups of a config form: declared hints for a kind, else the scalar fields
 * together under "Settings" and each list or object in its own group.
 */
export function groupsFor(kind: string, schema: JsonSchema): { label: string; fields: string[] }[] {
  const properties = Object.entries((schema as SchemaView).properties ?? {});
  const known = new Set(properties.map(([name]) => name));
  const hinted = GROUP_HINTS[kind]?.map((g) => ({ ...g, fields: g.fields.filter((f) => known.has(f)) })).filter((g) => g.fields.length);
  if (hinted) {
    const covered = new Set(hinted.flatMap((g) => g.fields));
    const rest = [...known].filter((f) => !covered.has(f));
    return rest.length ? [...hinted, { label: 'More', fields: rest }] : hinted;
  }
  const scalars = properties.filter(([, p]) => p.type !== 'array' && p.type !== 'object').map(([n]) => n);
  const groups = scalars.length ? [{ label: 'Settings', fields: scalars }] : [];
  for (const [name, prop] of properties)
    if (prop.type === 'array' || prop.type === 'object') groups.push({ label: String(prop.title ?? name), fields: [name] });
  return groups;
}

/** True when a value counts as filled in (the dot on a group header). */
export function isFilled(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}
