/**
 * BPMN 2.0 interchange for the common subset, through bpmn-moddle (bpmn.io's BPMN 2.0 model:
 * it reads and writes BPMN XML with its diagram interchange, DI).
 *
 * | BPMN | Exflow |
 * |---|---|
 * | start event | start |
 * | end event (terminate: cancelled) | end |
 * | user task (task, manual task) | humanTask: one outcome per outgoing flow (`done` for one) |
 * | timer boundary event on a user task | the task's `dueIn` and its `timeout` edge |
 * | service task (error boundary event: the `error` edge) | service |
 * | exclusive gateway | decision: conditions (FEEL, or simple JUEL rewritten as FEEL), default flow |
 * | parallel gateway | parallel (splitting) / join (merging) |
 * | timer intermediate catch event | timer |
 * | message intermediate catch event | waitForMessage |
 * | business rule task | decisionTable with no rules (the DMN is not in the BPMN file) |
 *
 * Anything else is listed in `unsupported` with what the importer did about it: an activity
 * becomes a manual placeholder task, a pass-through gateway or event is bypassed, the rest is
 * dropped or (lanes, data, annotations) ignored. Exported elements carry `exflow:kind`,
 * `exflow:config` and `exflow:port`, so a flow exported by Exflow imports back as the same graph;
 * other tools keep them as unknown attributes.
 *
 * This module is a subpath (`@exflow/shared/bpmn`), not part of the package index: bpmn-moddle
 * is only needed where XML is read or written (the runtime), so the designer's bundle never
 * carries it.
 */
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- bpmn-moddle's entry point has no types, and the runtime's typecheck compiles this file too
/// <reference path="./bpmn-moddle.d.ts" />
import { BpmnModdle } from 'bpmn-moddle';
import type { FlowEdge, FlowNode, WorkflowDefinition } from '../definition/types.js';
import { checkFeelExpression } from '../feel/feel.js';

/** The XML namespace of Exflow's own attributes on exported BPMN. */
export const EXFLOW_BPMN_NS = 'https://exflow.dev/schema/bpmn';

/** What the importer did with an element outside the supported subset. */
export type BpmnHandling = 'placeholder' | 'bypassed' | 'dropped' | 'ignored' | 'rewritten';

export interface BpmnUnsupported {
  /** The BPMN element's id. */
  id: string;
  name?: string;
  /** Its BPMN type, e.g. `bpmn:CallActivity`, or a vendor extension such as `camunda:taskListener`. */
  type: string;
  handling: BpmnHandling;
  message: string;
}

export interface BpmnImport {
  definition: WorkflowDefinition;
  unsupported: BpmnUnsupported[];
}

/** XML that is not BPMN 2.0 this importer can read; `element` names where it broke. */
export class BpmnParseError extends Error {
  constructor(
    message: string,
    readonly element: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'BpmnParseError';
  }
}

// bpmn-moddle elements are dynamic objects; this is the part of them read here.
interface El {
  $type: string;
  id?: string;
  name?: string;
  $attrs?: Record<string, string>;
  [key: string]: unknown;
}
const list = (value: unknown): El[] => (Array.isArray(value) ? (value as El[]) : []);
const is = (el: El | undefined, type: string) => el?.$type === type;

const NODE_ID = /^(?!__)[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const PORT_ID = /^[A-Za-z0-9_-]{1,100}$/;
const DEFAULT_QUEUE = 'bpmn-import';

/** Camunda 7 (JUEL) `${approved}` / `${!approved}` / `${a && b}` → FEEL; undefined when it is more than that. */
export function juelToFeel(text: string, scope?: string): string | undefined {
  const m = /^\s*[$#]\{([\s\S]*)\}\s*$/.exec(text);
  if (!m) return undefined;
  const body = m[1]!.trim();
  const name = (n: string) => (scope ? `${scope}.${n}` : n);
  const atom = (t: string): string | undefined => {
    const s = t.trim();
    const neg = /^!\s*([A-Za-z_][\w.]*)$/.exec(s);
    if (neg) return `not(${name(neg[1]!)} = true)`;
    if (/^[A-Za-z_][\w.]*$/.test(s)) return `${name(s)} = true`;
    const cmp = /^([A-Za-z_][\w.]*)\s*(==|!=|<=|>=|<|>)\s*('[^']*'|"[^"]*"|-?\d+(?:\.\d+)?|true|false|null)$/.exec(s);
    if (cmp) {
      const op = cmp[2] === '==' ? '=' : cmp[2];
      const value = cmp[3]!.startsWith("'") ? `"${cmp[3]!.slice(1, -1)}"` : cmp[3];
      return `${name(cmp[1]!)} ${op} ${value}`;
    }
    return undefined;
  };
  const ors = body.split('||').map((part) => part.split('&&').map(atom));
  if (ors.some((ands) => ands.some((a) => a === undefined))) return undefined;
  const feel = ors.map((ands) => ands.join(' and ')).join(' or ');
  return checkFeelExpression(feel) ? undefined : feel;
}

function expressionText(expression: unknown): string | undefined {
  const e = expression as { body?: string } | undefined;
  return e?.body?.trim() || undefined;
}

function durationOf(event: El): string | undefined {
  const timer = list(event.eventDefinitions).find((d) => is(d, 'bpmn:TimerEventDefinition'));
  return timer ? expressionText(timer.timeDuration) : undefined;
}

function definitionOf(event: El): El | undefined {
  return list(event.eventDefinitions)[0];
}

/**
 * Reads BPMN 2.0 XML into an Exflow draft. Throws `BpmnParseError` for XML that is malformed or
 * not BPMN (naming the element); elements outside the subset are listed, never fatal.
 * @example const { definition, unsupported } = await bpmnToDefinition(xml, { key: 'invoice' });
 */
export async function bpmnToDefinition(xml: string, options: { key?: string } = {}): Promise<BpmnImport> {
  // as for every XML the API reads: no document type declarations, so no entities to expand
  if (/<!\s*(DOCTYPE|ENTITY)/i.test(xml)) throw new BpmnParseError('A DOCTYPE (and with it any entity) is not allowed in BPMN sent to Exflow', '<!DOCTYPE>');
  const moddle = new BpmnModdle();
  let parsed: Awaited<ReturnType<typeof moddle.fromXML>>;
  try {
    parsed = await moddle.fromXML(xml);
  } catch (error) {
    const message = (error as Error).message;
    const element = /unparsable content (\S+) detected/.exec(message)?.[1] ?? /as <([^>]+)>/.exec(message)?.[1] ?? 'bpmn:Definitions';
    const line = /line: (\d+)/.exec(message);
    const column = /column: (\d+)/.exec(message);
    throw new BpmnParseError(message.split('\n')[0]!, element, line ? Number(line[1]) + 1 : undefined, column ? Number(column[1]) + 1 : undefined);
  }
  const unsupported: BpmnUnsupported[] = [];
  const note = (el: El, handling: BpmnHandling, message: string, type = el.$type) =>
    unsupported.push({ id: el.id ?? '', ...(el.name ? { name: el.name } : {}), type, handling, message });
  for (const warning of parsed.warnings) {
    const el = (warning as { element?: El }).element;
    unsupported.push({ id: el?.id ?? '', type: el?.$type ?? 'xml', handling: 'ignored', message: warning.message.split('\n')[0]! });
  }

  const definitions = parsed.rootElement as unknown as El;
  const processes = list(definitions.rootElements).filter((e) => is(e, 'bpmn:Process'));
  const process = processes.find((p) => p.isExecutable) ?? processes[0];
  if (!process) throw new BpmnParseError('The document has no <process>', 'bpmn:Process');
  for (const other of processes.filter((p) => p !== process)) note(other, 'ignored', 'Only one process is imported: the first executable one');
  for (const root of list(definitions.rootElements)) {
    if (['bpmn:DataStore', 'bpmn:Signal', 'bpmn:Error', 'bpmn:Escalation'].includes(root.$type)) note(root, 'ignored', 'Has no effect on an Exflow flow');
  }

  // DI: element id → top-left corner of its shape
  const positions = new Map<string, { x: number; y: number }>();
  for (const diagram of list(definitions.diagrams)) {
    for (const shape of list((diagram.plane as El | undefined)?.planeElement)) {
      const target = shape.bpmnElement as El | undefined;
      const bounds = shape.bounds as { x: number; y: number } | undefined;
      if (target?.id && bounds) positions.set(target.id, { x: Math.round(bounds.x), y: Math.round(bounds.y) });
    }
  }

  const elements = list(process.flowElements);
  const flows = elements.filter((e) => is(e, 'bpmn:SequenceFlow'));
  const outgoingOf = (id: string) => flows.filter((f) => (f.sourceRef as El).id === id);
  const incomingOf = (id: string) => flows.filter((f) => (f.targetRef as El).id === id);

  const usedIds = new Set<string>();
  const idMap = new Map<string, string>();
  const nodeIdFor = (bpmnId: string): string => {
    const known = idMap.get(bpmnId);
    if (known) return known;
    let id = bpmnId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60);
    if (!NODE_ID.test(id)) id = `n_${id}`.slice(0, 60);
    for (let i = 2; usedIds.has(id); i++) id = `${id.slice(0, 56)}_${i}`;
    usedIds.add(id);
    idMap.set(bpmnId, id);
    return id;
  };
  const portFor = (flow: El) => {
    const own = flow.$attrs?.['exflow:port'];
    if (own) return own;
    const id = (flow.id ?? 'flow').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100);
    return PORT_ID.test(id) ? id : 'branch';
  };

  const nodes: FlowNode[] = [];
  /** BPMN ids of bypassed elements → the element their one outgoing flow leads to. */
  const bypass = new Map<string, string>();
  /** Boundary event id → [host task id, port]. */
  const boundary = new Map<string, { host: string; port: string }>();
  /** Port of a flow, by flow id, for flows whose port is not the default one of their source. */
  const ports = new Map<string, string>();
  let started = false;

  const add = (el: El, kind: string, config: Record<string, unknown> | undefined) => {
    const position = positions.get(el.id!);
    nodes.push({
      id: nodeIdFor(el.id!),
      kind,
      ...(el.name ? { label: el.name.replace(/\s+/g, ' ').trim() } : {}),
      ...(position ? { position } : {}),
      ...(config ? { config } : {}),
    });
  };
  const ownConfig = (el: El): { kind: string; config: Record<string, unknown> | undefined } | undefined => {
    const kind = el.$attrs?.['exflow:kind'];
    const config = el.$attrs?.['exflow:config'];
    if (!kind) return undefined;
    try {
      return { kind, config: config ? (JSON.parse(config) as Record<string, unknown>) : undefined };
    } catch {
      return undefined;
    }
  };
  const vendor = (el: El) => {
    const attrs = Object.keys(el.$attrs ?? {}).filter((k) => !k.startsWith('exflow:') && !k.startsWith('xmlns'));
    const extensions = list((el.extensionElements as El | undefined)?.values).map((v) => v.$type);
    const all = [...attrs, ...new Set(extensions)];
    if (all.length) note(el, 'ignored', `Vendor extensions are not imported: ${all.join(', ')}`);
  };
  const outcomesFor = (el: El) => {
    const out = outgoingOf(el.id!);
    if (out.length <= 1) {
      if (out[0]) ports.set(out[0].id!, out[0].$attrs?.['exflow:port'] ?? 'done');
      return [{ id: out[0]?.$attrs?.['exflow:port'] ?? 'done', label: 'Done' }];
    }
    return out.map((f) => {
      const port = portFor(f);
      ports.set(f.id!, port);
      return { id: port, label: f.name ?? port };
    });
  };
  const placeholder = (el: El, why: string) => {
    add(el, 'humanTask', {
      title: (el.name ?? el.id!).replace(/\s+/g, ' ').trim(),
      queue: DEFAULT_QUEUE,
      instructions: `Placeholder for the BPMN ${el.$type.replace('bpmn:', '')} "${el.name ?? el.id}": ${why}`,
      outcomes: outcomesFor(el),
    });
    note(el, 'placeholder', `${why}; imported as a manual task "${el.name ?? el.id}" in queue ${DEFAULT_QUEUE}`);
  };

  for (const el of elements) {
    if (is(el, 'bpmn:SequenceFlow')) continue;
    const own = ownConfig(el);
    if (own) {
      // a name the exporter took from the task title is not a label of its own
      add(el.$attrs?.['exflow:label'] === '' ? { ...el, name: undefined } : el, own.kind, own.config);
      continue;
    }
    const out = () => outgoingOf(el.id!);
    const inc = () => incomingOf(el.id!);
    switch (el.$type) {
      case 'bpmn:StartEvent':
        if (started) {
          note(el, 'dropped', 'An Exflow flow has one start; this further start event is dropped');
          break;
        }
        started = true;
        if (definitionOf(el)) note(el, 'rewritten', `${definitionOf(el)!.$type} start: an Exflow case starts when an invoice arrives`);
        add(el, 'start', {});
        vendor(el);
        break;
      case 'bpmn:EndEvent': {
        const terminate = is(definitionOf(el), 'bpmn:TerminateEventDefinition');
        if (definitionOf(el) && !terminate) note(el, 'rewritten', `${definitionOf(el)!.$type} end: imported as a plain end (resolved)`);
        add(el, 'end', { outcome: terminate ? 'cancelled' : 'resolved' });
        break;
      }
      case 'bpmn:UserTask':
      case 'bpmn:Task':
      case 'bpmn:ManualTask': {
        const groups = el.$attrs?.['camunda:candidateGroups'];
        const queue = groups && !/[$#{]/.test(groups) ? groups.split(',')[0]!.trim() : DEFAULT_QUEUE;
        const documentation = list(el.documentation)
          .map((d) => (d as { text?: string }).text ?? '')
          .join('\n')
          .trim();
        const timerBoundary = elements.find((b) => is(b, 'bpmn:BoundaryEvent') && (b.attachedToRef as El)?.id === el.id && durationOf(b));
        add(el, 'humanTask', {
          title: (el.name ?? el.id!).replace(/\s+/g, ' ').trim(),
          queue,
          ...(documentation ? { instructions: documentation } : {}),
          outcomes: outcomesFor(el),
          ...(timerBoundary ? { dueIn: durationOf(timerBoundary) } : {}),
        });
        if (!is(el, 'bpmn:UserTask')) note(el, 'rewritten', 'Imported as a task for a person (user task)');
        vendor(el);
        break;
      }
      case 'bpmn:ServiceTask': {
        const attrs = el.$attrs ?? {};
        const named = attrs['camunda:type'] ?? attrs['camunda:topic'] ?? attrs['camunda:class']?.split('.').pop() ?? attrs['camunda:delegateExpression'];
        const service = (named ?? el.id!).replace(/[$#{}]/g, '').trim() || el.id!;
        for (const f of out()) ports.set(f.id!, 'done');
        add(el, 'service', { service, params: {} });
        vendor(el);
        break;
      }
      case 'bpmn:BusinessRuleTask': {
        const result = (el.$attrs?.['camunda:resultVariable'] ?? 'result').replace(/[^A-Za-z0-9_]/g, '_');
        const decisionRef = el.$attrs?.['camunda:decisionRef'];
        add(el, 'decisionTable', {
          hitPolicy: 'FIRST',
          inputs: [{ label: 'Invoice total', expression: 'invoice.grossTotal' }],
          outputs: [{ name: /^[A-Za-z_]/.test(result) ? result : `r_${result}` }],
          rules: [],
          resultVar: /^[A-Za-z_]/.test(result) ? result : `r_${result}`,
        });
        note(
          el,
          'placeholder',
          `The decision${decisionRef ? ` "${decisionRef}"` : ''} lives in a DMN file, not in the BPMN: imported as a decision table with no rules (its result is null); fill in its rules`,
        );
        break;
      }
      case 'bpmn:ExclusiveGateway': {
        const outgoing = out();
        if (outgoing.length === 1) {
          bypass.set(el.id!, (outgoing[0]!.targetRef as El).id!);
          note(el, 'bypassed', 'A merging gateway: Exflow steps accept several incoming edges, so it is left out');
          break;
        }
        // Camunda's pattern: the form of the task just before the gateway sets the variables its conditions test
        const into = inc();
        const before = into.length === 1 ? (into[0]!.sourceRef as El) : undefined;
        const taskLike = before && (/UserTask|ManualTask|CallActivity|SubProcess/.test(before.$type) || before.$type === 'bpmn:Task');
        const scope = taskLike ? `${nodeIdFor(before.id!)}.data` : undefined;
        const defaultFlow = (el.default as El | undefined) ?? outgoing.find((f) => !expressionText(f.conditionExpression));
        let fallback = defaultFlow;
        const conditional = outgoing.filter((f) => f !== defaultFlow);
        if (!fallback) {
          fallback = conditional.pop()!;
          note(fallback, 'rewritten', `Gateway "${el.name ?? el.id}" has no default flow: this last flow becomes its default (its condition is not evaluated)`);
        }
        ports.set(fallback.id!, 'default');
        const branches = conditional.map((f) => {
          const port = portFor(f);
          ports.set(f.id!, port);
          const text = expressionText(f.conditionExpression) ?? 'true';
          const language = (f.conditionExpression as El | undefined)?.language as string | undefined;
          let condition = text.replace(/^=\s*/, '');
          if (/^\s*[$#]\{/.test(text) && !/feel/i.test(language ?? '')) {
            const feel = juelToFeel(text, scope);
            if (feel) {
              condition = feel;
              note(
                f,
                'rewritten',
                `Condition ${text} (JUEL) rewritten as FEEL: ${feel}${scope ? ` (the variables are read from the form of "${before!.name ?? before!.id}", the task before the gateway)` : ''}`,
                'bpmn:conditionExpression',
              );
            } else note(f, 'dropped', `Condition ${text} (JUEL) could not be rewritten as FEEL; write it in FEEL`, 'bpmn:conditionExpression');
          }
          return { id: port, label: (f.name ?? '').replace(/\s+/g, ' ').trim(), condition };
        });
        add(el, 'decision', { branches });
        break;
      }
      case 'bpmn:ParallelGateway': {
        const outgoing = out();
        if (outgoing.length > 1) {
          outgoing.forEach((f, i) => ports.set(f.id!, f.$attrs?.['exflow:port'] ?? `b${i + 1}`));
          add(el, 'parallel', { branches: outgoing.length });
        } else if (inc().length > 1) {
          for (const f of outgoing) ports.set(f.id!, 'out');
          add(el, 'join', {});
        } else if (outgoing[0]) {
          bypass.set(el.id!, (outgoing[0].targetRef as El).id!);
          note(el, 'bypassed', 'A parallel gateway with one way in and one way out does nothing');
        }
        break;
      }
      case 'bpmn:IntermediateCatchEvent': {
        const definition = definitionOf(el);
        if (is(definition, 'bpmn:TimerEventDefinition') && durationOf(el)) {
          add(el, 'timer', { duration: durationOf(el) });
        } else if (is(definition, 'bpmn:MessageEventDefinition')) {
          const message = ((definition!.messageRef as El | undefined)?.name ?? el.name ?? el.id!)
            .replace(/[^A-Za-z0-9._:/-]/g, '.')
            .replace(/^[^A-Za-z0-9]+/, '');
          add(el, 'waitForMessage', { message: message || 'message', correlationKey: 'invoice.invoiceNumber' });
          note(el, 'rewritten', 'BPMN does not say how a message finds its case: correlated by invoice.invoiceNumber; change the key if needed');
        } else if (out()[0]) {
          bypass.set(el.id!, (out()[0]!.targetRef as El).id!);
          note(el, 'bypassed', `${definition?.$type ?? 'This'} catch event is not supported (only timer durations and messages); it is left out`);
        }
        break;
      }
      case 'bpmn:IntermediateThrowEvent':
        if (out()[0]) bypass.set(el.id!, (out()[0]!.targetRef as El).id!);
        note(el, 'bypassed', 'Throw events are not supported; it is left out');
        break;
      case 'bpmn:BoundaryEvent': {
        const host = (el.attachedToRef as El | undefined)?.id;
        const definition = definitionOf(el);
        const hostEl = elements.find((e) => e.id === host);
        if (
          host &&
          is(definition, 'bpmn:TimerEventDefinition') &&
          durationOf(el) &&
          ['bpmn:UserTask', 'bpmn:Task', 'bpmn:ManualTask'].includes(hostEl?.$type ?? '')
        ) {
          boundary.set(el.id!, { host, port: 'timeout' });
          if (out().length > 1) note(el, 'dropped', 'Only the first flow out of a timer boundary event is kept');
        } else if (host && is(definition, 'bpmn:ErrorEventDefinition') && is(hostEl, 'bpmn:ServiceTask')) {
          boundary.set(el.id!, { host, port: 'error' });
        } else note(el, 'dropped', 'Only timer boundary events on user tasks and error boundary events on service tasks are supported');
        break;
      }
      case 'bpmn:DataObjectReference':
      case 'bpmn:DataStoreReference':
      case 'bpmn:DataObject':
        note(el, 'ignored', 'Data elements have no effect on an Exflow flow');
        break;
      default:
        if (/Task$|CallActivity|SubProcess|Transaction/.test(el.$type)) placeholder(el, `${el.$type.replace('bpmn:', '')} is not supported`);
        else note(el, 'dropped', `${el.$type} is not supported`);
    }
  }
  for (const set of list(process.laneSets))
    for (const lane of list(set.lanes)) note(lane, 'ignored', 'Lanes are not imported; set candidate roles on the tasks');
  for (const artifact of list(process.artifacts)) note(artifact, 'ignored', 'Annotations and associations have no effect on an Exflow flow');

  const known = new Set(nodes.map((n) => n.id));
  const resolve = (bpmnId: string): string | undefined => {
    const seen = new Set<string>();
    let id = bpmnId;
    while (bypass.has(id) && !seen.has(id)) {
      seen.add(id);
      id = bypass.get(id)!;
    }
    const nodeId = idMap.get(id);
    return nodeId && known.has(nodeId) ? nodeId : undefined;
  };
  const edges: FlowEdge[] = [];
  const timedOut = new Set<string>();
  for (const flow of flows) {
    const sourceId = (flow.sourceRef as El).id!;
    if (bypass.has(sourceId)) continue;
    const viaBoundary = boundary.get(sourceId);
    if (viaBoundary && timedOut.has(sourceId)) continue;
    if (viaBoundary) timedOut.add(sourceId);
    const source = viaBoundary ? idMap.get(viaBoundary.host) : resolve(sourceId);
    const target = resolve((flow.targetRef as El).id!);
    if (!source || !target) continue;
    const port = flow.$attrs?.['exflow:port'] ?? viaBoundary?.port ?? ports.get(flow.id!);
    edges.push({
      id: flow.id!.slice(0, 100),
      source,
      target,
      ...(port ? { sourcePort: port } : {}),
      ...(flow.name ? { label: flow.name.replace(/\s+/g, ' ').trim() } : {}),
    });
  }

  const rawKey = options.key ?? process.$attrs?.['exflow:key'] ?? process.id ?? 'imported';
  const key =
    rawKey
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 64) || 'imported';
  const participant = list(definitions.rootElements)
    .flatMap((r) => list(r.participants))
    .find((p) => (p.processRef as El | undefined)?.id === process.id);
  const documentation = list(process.documentation)
    .map((d) => (d as { text?: string }).text ?? '')
    .join('\n')
    .trim();
  const definition: WorkflowDefinition = {
    schemaVersion: 1,
    key,
    name: (process.name ?? participant?.name ?? process.id ?? key).slice(0, 200),
    ...(documentation ? { description: documentation } : {}),
    nodes,
    edges,
  };
  return { definition, unsupported };
}

const SIZE: Record<string, { width: number; height: number }> = {
  event: { width: 36, height: 36 },
  gateway: { width: 50, height: 50 },
  task: { width: 100, height: 80 },
};

/**
 * Writes a flow as BPMN 2.0 XML with DI (shapes at the nodes' positions, straight edges).
 * Every element keeps its Exflow kind and config as `exflow:` attributes for a lossless round trip.
 * @example const xml = await definitionToBpmn(version.definition);
 */
export async function definitionToBpmn(definition: WorkflowDefinition): Promise<string> {
  const moddle = new BpmnModdle();
  const create = (type: string, props: Record<string, unknown> = {}) => moddle.create(type, props) as unknown as El;
  const flowElements: El[] = [];
  const messages: El[] = [];
  const shapes: El[] = [];
  const byId = new Map<string, El>();
  const shapeOf = new Map<string, { x: number; y: number; width: number; height: number }>();
  const attrs = (el: El, node: FlowNode) => {
    Object.assign(el.$attrs!, {
      'exflow:kind': node.kind,
      ...(node.config ? { 'exflow:config': JSON.stringify(node.config) } : {}),
      ...(el.name && !node.label ? { 'exflow:label': '' } : {}),
    });
  };
  const outgoingOf = (id: string) => definition.edges.filter((e) => e.source === id);

  definition.nodes.forEach((node, i) => {
    const config = (node.config ?? {}) as Record<string, unknown>;
    const base = { id: node.id, ...(node.label ? { name: node.label } : {}) };
    let el: El;
    let size = SIZE.task!;
    switch (node.kind) {
      case 'start':
        el = create('bpmn:StartEvent', base);
        size = SIZE.event!;
        break;
      case 'end':
        el = create('bpmn:EndEvent', {
          ...base,
          ...(config.outcome === 'cancelled' ? { eventDefinitions: [create('bpmn:TerminateEventDefinition', { id: `${node.id}_terminate` })] } : {}),
        });
        size = SIZE.event!;
        break;
      case 'humanTask':
        el = create('bpmn:UserTask', { ...base, name: node.label ?? (config.title as string | undefined) });
        break;
      case 'decision':
        el = create('bpmn:ExclusiveGateway', base);
        size = SIZE.gateway!;
        break;
      case 'parallel':
      case 'join':
        el = create('bpmn:ParallelGateway', base);
        size = SIZE.gateway!;
        break;
      case 'decisionTable':
        el = create('bpmn:BusinessRuleTask', base);
        break;
      case 'timer':
        el = create('bpmn:IntermediateCatchEvent', {
          ...base,
          eventDefinitions: [
            create('bpmn:TimerEventDefinition', {
              id: `${node.id}_timer`,
              timeDuration: create('bpmn:FormalExpression', { body: String(config.duration ?? '') }),
            }),
          ],
        });
        size = SIZE.event!;
        break;
      case 'waitForMessage': {
        const message = create('bpmn:Message', { id: `Message_${node.id}`, name: String(config.message ?? node.id) });
        messages.push(message);
        el = create('bpmn:IntermediateCatchEvent', {
          ...base,
          eventDefinitions: [create('bpmn:MessageEventDefinition', { id: `${node.id}_message`, messageRef: message })],
        });
        size = SIZE.event!;
        break;
      }
      default:
        // service and every named service kind (threeWayMatch, webhook...)
        el = create('bpmn:ServiceTask', base);
    }
    attrs(el, node);
    flowElements.push(el);
    byId.set(node.id, el);
    const position = node.position ?? { x: 120 + i * 160, y: 120 };
    shapeOf.set(node.id, { x: position.x, y: position.y, ...size });
    // a human task's SLA edge and a service's error edge leave from a boundary event
    const special = node.kind === 'humanTask' ? 'timeout' : node.kind !== 'waitForMessage' ? 'error' : undefined;
    const edge = special ? outgoingOf(node.id).find((e) => e.sourcePort === special) : undefined;
    if (edge) {
      const boundary = create('bpmn:BoundaryEvent', {
        id: `${node.id}_${special}`,
        attachedToRef: el,
        cancelActivity: true,
        eventDefinitions: [
          special === 'timeout'
            ? create('bpmn:TimerEventDefinition', {
                id: `${node.id}_${special}_def`,
                timeDuration: create('bpmn:FormalExpression', { body: String(config.dueIn ?? '') }),
              })
            : create('bpmn:ErrorEventDefinition', { id: `${node.id}_${special}_def` }),
        ],
      });
      flowElements.push(boundary);
      byId.set(`${node.id}#${special}`, boundary);
      shapeOf.set(`${node.id}#${special}`, { x: position.x + size.width - 18, y: position.y + size.height - 18, ...SIZE.event! });
    }
  });

  const sequenceFlows: El[] = [];
  for (const edge of definition.edges) {
    const source = byId.get(`${edge.source}#${edge.sourcePort}`) ?? byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) continue;
    const node = definition.nodes.find((n) => n.id === edge.source);
    const branch =
      node?.kind === 'decision'
        ? ((node.config as { branches?: { id: string; condition: string }[] }).branches ?? []).find((b) => b.id === edge.sourcePort)
        : undefined;
    const flow = create('bpmn:SequenceFlow', {
      id: edge.id,
      ...(edge.label ? { name: edge.label } : {}),
      sourceRef: source,
      targetRef: target,
      ...(branch ? { conditionExpression: create('bpmn:FormalExpression', { body: branch.condition, language: 'feel' }) } : {}),
    });
    if (edge.sourcePort) Object.assign(flow.$attrs!, { 'exflow:port': edge.sourcePort });
    if (node?.kind === 'decision' && edge.sourcePort === 'default') source.default = flow;
    source.outgoing = [...((source.outgoing as El[] | undefined) ?? []), flow];
    target.incoming = [...((target.incoming as El[] | undefined) ?? []), flow];
    sequenceFlows.push(flow);
  }

  const process = create('bpmn:Process', {
    id: `Process_${definition.key.replace(/[^A-Za-z0-9_-]/g, '_')}`,
    name: definition.name,
    isExecutable: true,
    flowElements: [...flowElements, ...sequenceFlows],
    ...(definition.description ? { documentation: [create('bpmn:Documentation', { text: definition.description })] } : {}),
  });
  Object.assign(process.$attrs!, { 'exflow:key': definition.key });

  const centre = (b: { x: number; y: number; width: number; height: number }) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
  for (const el of flowElements) {
    const key = el.$type === 'bpmn:BoundaryEvent' ? `${(el.attachedToRef as El).id}#${el.id!.slice((el.attachedToRef as El).id!.length + 1)}` : el.id!;
    const b = shapeOf.get(key)!;
    shapes.push(create('bpmndi:BPMNShape', { id: `${el.id}_di`, bpmnElement: el, bounds: create('dc:Bounds', b) }));
  }
  for (const flow of sequenceFlows) {
    const from = shapes.find((s) => s.bpmnElement === flow.sourceRef)!.bounds as { x: number; y: number; width: number; height: number };
    const to = shapes.find((s) => s.bpmnElement === flow.targetRef)!.bounds as { x: number; y: number; width: number; height: number };
    shapes.push(
      create('bpmndi:BPMNEdge', {
        id: `${flow.id}_di`,
        bpmnElement: flow,
        waypoint: [create('dc:Point', centre(from)), create('dc:Point', centre(to))],
      }),
    );
  }
  const plane = create('bpmndi:BPMNPlane', { id: `Plane_${process.id}`, bpmnElement: process, planeElement: shapes });
  const definitions = create('bpmn:Definitions', {
    id: `Definitions_${process.id}`,
    targetNamespace: 'https://exflow.dev/bpmn',
    exporter: 'Exflow',
    exporterVersion: '1',
    rootElements: [...messages, process],
    diagrams: [create('bpmndi:BPMNDiagram', { id: `Diagram_${process.id}`, plane })],
  });
  Object.assign(definitions.$attrs!, { 'xmlns:exflow': EXFLOW_BPMN_NS });
  const { xml } = await moddle.toXML(definitions as never, { format: true });
  return xml;
}
