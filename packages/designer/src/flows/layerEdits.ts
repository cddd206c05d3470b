import type { FlowNode, TemplateOverrides, WorkflowDefinition } from '@exflow/shared';

/** One setting of a base step a client may override in the designer. */
export interface OverridableField {
  nodeId: string;
  /** `label`, `config/<key>`, or `config/branches/<i>/condition` (a decision's threshold). */
  field: string;
  /** The MSP's value, as text. */
  base: string;
  numeric: boolean;
}

/** Kinds whose steps carry no settings a client tunes. */
const FIXED_KINDS = new Set(['start', 'end', 'parallel', 'join']);
/** Settings that change what a step is, not how it is tuned: left to the MSP. */
const FIXED_KEYS = new Set(['flow', 'service', 'connector', 'operation', 'message', 'correlationKey', 'resultVar']);

interface Branch {
  id: string;
  condition?: string;
}
const configOf = (node: FlowNode) => (node.config ?? {}) as Record<string, unknown>;

/**
 * The settings a client can override on each step of a base flow: the label, every text or
 * number setting (queue, SLA, title, duration, tolerances …) and each decision branch's
 * condition (where thresholds live).
 * @example overridableFields(base).find((f) => f.field === 'config/queue') // { nodeId: 'review', base: 'msp-ap', ... }
 */
export function overridableFields(base: WorkflowDefinition): OverridableField[] {
  return base.nodes
    .filter((node) => !FIXED_KINDS.has(node.kind))
    .flatMap((node) => {
      const config = configOf(node);
      const scalars = Object.entries(config)
        .filter(([key, value]) => !FIXED_KEYS.has(key) && (typeof value === 'string' || typeof value === 'number'))
        .map(([key, value]) => ({ nodeId: node.id, field: `config/${key}`, base: String(value), numeric: typeof value === 'number' }));
      const branches = Array.isArray(config.branches)
        ? (config.branches as Branch[]).map((b, i) => ({ nodeId: node.id, field: `config/branches/${i}/condition`, base: b.condition ?? '', numeric: false }))
        : [];
      return [{ nodeId: node.id, field: 'label', base: node.label ?? '', numeric: false }, ...scalars, ...branches];
    });
}

/** The value a field has with the client's overrides (the override's when it sets one, else the base's). */
export function currentValue(overrides: TemplateOverrides, f: OverridableField): string {
  const patch = overrides.nodes[f.nodeId];
  if (f.field === 'label') return typeof patch?.label === 'string' ? patch.label : f.base;
  const [, key, i] = f.field.split('/');
  const value = patch?.config?.[key!];
  if (i !== undefined) return Array.isArray(value) ? String((value[Number(i)] as Branch | undefined)?.condition ?? f.base) : f.base;
  return value === undefined || value === null ? f.base : String(value);
}

const isEmpty = (o: object) => Object.keys(o).length === 0;

/**
 * The client's overrides with the designer's values: a field equal to the base is no override,
 * one that differs is set (a JSON merge patch of the step: never a copy of the flow). What the
 * form does not show (set over the API) is kept as it was.
 * @example overridesWith(base, { nodes: {} }, fields, { 'review|config/queue': 'acme-ap' }) // { nodes: { review: { config: { queue: 'acme-ap' } } } }
 */
export function overridesWith(
  base: WorkflowDefinition,
  overrides: TemplateOverrides,
  fields: OverridableField[],
  values: Record<string, string>,
  insert: TemplateOverrides['insert'] = overrides.insert,
): TemplateOverrides {
  const nodes: TemplateOverrides['nodes'] = structuredClone(overrides.nodes);
  for (const f of fields) {
    const value = values[`${f.nodeId}|${f.field}`] ?? currentValue(overrides, f);
    const patch = (nodes[f.nodeId] ??= {});
    const config = (patch.config ??= {});
    if (f.field === 'label') {
      if (value === f.base) delete patch.label;
      else patch.label = value;
    } else if (f.field.startsWith('config/branches/')) {
      // a merge patch replaces an array whole: the base's branches with this client's conditions
      const baseBranches = configOf(base.nodes.find((n) => n.id === f.nodeId)!).branches as Branch[];
      const branches = (Array.isArray(config.branches) ? config.branches : structuredClone(baseBranches)) as Branch[];
      branches[Number(f.field.split('/')[2])]!.condition = value;
      if (JSON.stringify(branches) === JSON.stringify(baseBranches)) delete config.branches;
      else config.branches = branches;
    } else {
      const key = f.field.slice('config/'.length);
      if (value === f.base) delete config[key];
      else config[key] = f.numeric && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
    }
    if (isEmpty(config)) delete patch.config;
    if (isEmpty(patch)) delete nodes[f.nodeId];
  }
  return { nodes, ...(insert?.length ? { insert } : {}) };
}

/** A step a client adds on an edge the base allows: a wait, or a review with one way out. */
export function addedStep(kind: 'timer' | 'humanTask', id: string, setting: { duration?: string; title?: string; queue?: string }): FlowNode {
  return kind === 'timer'
    ? { id, kind: 'timer', config: { duration: setting.duration ?? 'PT1H' } }
    : { id, kind: 'humanTask', config: { title: setting.title || id, queue: setting.queue || 'review', outcomes: [{ id: 'done', label: 'Done' }] } };
}
