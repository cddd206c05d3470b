import { getNodeKind, invoiceSchema, type WorkflowDefinition } from '@exflow/shared';
import { sampleServiceResult } from '../simulate/samples.js';
import type { SchemaView } from './formSupport.js';

/** A name a FEEL expression can use at some step, with where it comes from. */
export interface AvailableField {
  path: string;
  source: string;
  hint?: string;
}

/** Every invoice field FEEL can read, from shared's invoice schema (`invoice.supplier.name` …). */
export function invoiceFields(): AvailableField[] {
  const out: AvailableField[] = [];
  const walk = (schema: SchemaView, prefix: string, depth: number) => {
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      const path = `${prefix}.${name}`;
      if (prop.type === 'object' && depth < 2) walk(prop, path, depth + 1);
      else
        out.push({ path, source: 'Invoice', hint: prop.type === 'array' ? 'list' : prop.anyOf ? 'number' : (prop.type ?? (prop.enum ? 'text' : undefined)) });
    }
  };
  walk(invoiceSchema as SchemaView, 'invoice', 0);
  return out;
}

/**
 * The results of the steps that can run before `nodeId` (services, decision tables, human
 * tasks), under the names later FEEL expressions use (`match.withinTolerance`, `review.outcome`).
 */
export function upstreamFields(definition: WorkflowDefinition, nodeId: string): AvailableField[] {
  const incoming = new Map<string, string[]>();
  for (const e of definition.edges) incoming.set(e.target, [...(incoming.get(e.target) ?? []), e.source]);
  const seen = new Set<string>();
  const queue = [...(incoming.get(nodeId) ?? [])];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...(incoming.get(id) ?? []));
  }
  const fields: AvailableField[] = [];
  for (const node of definition.nodes) {
    if (!seen.has(node.id) || node.id === nodeId) continue;
    const config = (node.config ?? {}) as {
      resultVar?: unknown;
      service?: unknown;
      outcomes?: { id: string }[];
      form?: SchemaView;
      hitPolicy?: string;
      outputs?: { name: string }[];
    };
    const source = node.label ?? getNodeKind(node.kind)?.label ?? node.id;
    const name = typeof config.resultVar === 'string' && config.resultVar ? config.resultVar : node.id;
    if (typeof config.service === 'string') {
      fields.push({ path: name, source, hint: `result of ${config.service}` });
      for (const key of Object.keys(sampleServiceResult(config.service))) fields.push({ path: `${name}.${key}`, source });
    } else if (node.kind === 'humanTask') {
      fields.push({ path: `${name}.outcome`, source, hint: (config.outcomes ?? []).map((o) => `"${o.id}"`).join(' | ') });
      for (const key of Object.keys(config.form?.properties ?? {})) fields.push({ path: `${name}.data.${key}`, source, hint: 'form field' });
    } else if (node.kind === 'decisionTable') {
      const outputs: { name: string }[] = config.outputs ?? [];
      if (config.hitPolicy === 'COLLECT' || outputs.length <= 1)
        fields.push({ path: name, source, hint: config.hitPolicy === 'COLLECT' ? 'list' : outputs[0]?.name });
      else for (const o of outputs) fields.push({ path: `${name}.${o.name}`, source });
    }
  }
  return fields;
}
