import { retryPolicySchema, type RetryPolicy } from '../retry/retryPolicy.js';
import { assignServiceError, assignServiceResult, fromNode, type KindBehaviour } from './behaviour.js';
import { defineNodeKind, type JsonSchema, type NodeGroup } from './defineNodeKind.js';

export interface ServiceConfig {
  service: string;
  params?: Record<string, unknown>;
  /** Name under which the result is kept for later steps. Default: the node id. */
  resultVar?: string;
  /** How a failed call is retried; missing fields take `DEFAULT_RETRY_POLICY`'s. */
  retry?: RetryPolicy;
}

interface ServiceNodeOptions {
  kind: string;
  /** The kind's version (see `NodeKind.version`); every service kind runs `serviceBehaviour` at version 1. */
  version: number;
  /** Behaviour of this kind's current version, when it is no longer `serviceBehaviour`. */
  behaviour?: KindBehaviour;
  earlier?: Readonly<Record<number, KindBehaviour>>;
  service?: string;
  label: string;
  description: string;
  group: NodeGroup;
  icon: string;
  paramsSchema: JsonSchema;
  defaultParams: Record<string, unknown>;
}

/** What a service step's compiled state runs: `service.done` keeps the result, `service.failed` the error. */
const serviceBehaviour: KindBehaviour = { guards: { fromNode }, actions: { assignServiceResult, assignServiceError } };

/**
 * Declares a node kind that calls a named service through the effect outbox. The runtime's
 * service registry runs it, retrying by the node's `retry` policy; `service.done` keeps the
 * result, `service.failed` takes `error`. With no `error` edge, a call whose retries are spent
 * puts the case in an incident at this step (`onFailure: 'incident'`) until someone retries it.
 */
export function defineServiceNode(options: ServiceNodeOptions) {
  return defineNodeKind<ServiceConfig>({
    kind: options.kind,
    version: options.version,
    behaviour: options.behaviour ?? serviceBehaviour,
    ...(options.earlier ? { earlier: options.earlier } : {}),
    label: options.label,
    description: options.description,
    group: options.group,
    icon: options.icon,
    inputs: 'many',
    outputs: () => [
      { id: 'done', label: 'done', required: true },
      { id: 'error', label: 'failed', required: false },
    ],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['service'],
      properties: {
        service: options.service ? { const: options.service, title: 'Service', readOnly: true } : { type: 'string', title: 'Service', minLength: 1 },
        params: { ...options.paramsSchema, title: 'Parameters' },
        resultVar: { type: 'string', title: 'Keep the result as', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
        retry: retryPolicySchema,
      },
    },
    defaults: { service: options.service ?? '', params: options.defaultParams },
    compile: (node, config, ctx) => ({
      entry: [
        {
          type: 'exflow.service',
          params: {
            nodeId: node.id,
            service: config.service,
            params: config.params ?? {},
            ...(config.retry ? { retry: config.retry } : {}),
            onFailure: ctx.target('error') ? 'error-edge' : 'incident',
          },
        },
      ],
      // leaving the step any other way (cancelled, escalated) withdraws a call not yet made
      exit: [{ type: 'exflow.service.cancel', params: { nodeId: node.id } }],
      on: {
        'service.done': {
          guard: { type: 'fromNode', params: { nodeId: node.id } },
          target: ctx.target('done'),
          actions: [{ type: 'assignServiceResult', params: { nodeId: node.id, resultVar: config.resultVar ?? node.id } }],
        },
        'service.failed': {
          guard: { type: 'fromNode', params: { nodeId: node.id } },
          target: ctx.target('error') ?? ctx.failedTarget,
          actions: [{ type: 'assignServiceError', params: { nodeId: node.id } }],
        },
      },
    }),
  });
}

export const service = defineServiceNode({
  kind: 'service',
  version: 1,
  label: 'Service call',
  description: 'Calls any registered service by name.',
  group: 'integration',
  icon: '⚙',
  paramsSchema: { type: 'object' },
  defaultParams: {},
});

export const threeWayMatch = defineServiceNode({
  kind: 'threeWayMatch',
  version: 1,
  service: 'threeWayMatch',
  label: '3-way match',
  description: 'Compares each invoice line with its PO line and goods receipts, within tolerances.',
  group: 'checks',
  icon: '≡',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      priceTolerancePct: { type: 'number', minimum: 0, title: 'Price tolerance %' },
      quantityTolerancePct: { type: 'number', minimum: 0, title: 'Quantity tolerance %' },
      amountTolerance: { type: 'number', minimum: 0, title: 'Amount cap per line' },
    },
  },
  defaultParams: { priceTolerancePct: 2, quantityTolerancePct: 0 },
});

export const webhook = defineServiceNode({
  kind: 'webhook',
  version: 1,
  service: 'webhook',
  label: 'Notify system (webhook)',
  description:
    'POSTs the case to an HTTP endpoint, with an idempotency key so it acts once; keeps of the answer only what you declare. Non-public addresses are refused unless a platform admin allow-lists them.',
  group: 'integration',
  icon: '↗',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: {
      url: { type: 'string', title: 'URL', pattern: '^https?://' },
      timeoutMs: { type: 'integer', minimum: 100, maximum: 20000, title: 'Timeout (ms, at most 20 s: below the worker lease)' },
      store: {
        enum: ['status', 'none', 'fields'],
        title: 'Keep of the answer',
        description: 'status: its HTTP status (default); none: nothing; fields: the status and the fields listed below',
      },
      fields: {
        type: 'array',
        title: 'Answer fields to keep',
        description: 'Paths into the JSON answer, e.g. reference or result.id; only text, numbers and booleans are kept',
        items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$' },
        minItems: 1,
        maxItems: 20,
      },
    },
    if: { required: ['store'], properties: { store: { const: 'fields' } } },
    then: { required: ['fields'] },
  },
  defaultParams: { url: 'https://erp.example.com/hook', store: 'status' },
});

export const connectorCall = defineServiceNode({
  kind: 'connector',
  version: 1,
  service: 'connector',
  label: 'Connector call',
  description:
    'Calls an operation of a connector (e.g. the ERP: fetch a PO, post the invoice, place a payment hold) with the tenant’s settings and credential; while the system is down the case waits and says so, and resumes when it is back.',
  group: 'integration',
  icon: '⇄',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['connector', 'operation'],
    properties: {
      connector: { type: 'string', title: 'Connector', minLength: 1, maxLength: 100, description: 'e.g. erp' },
      operation: { type: 'string', title: 'Operation', minLength: 1, maxLength: 100, description: 'e.g. fetchPurchaseOrder, postInvoice' },
      input: {
        type: 'object',
        title: 'Input',
        description: 'The operation’s input fields, each a FEEL expression over the case, e.g. poNumber: invoice.poNumber',
        additionalProperties: { type: 'string', format: 'feel', maxLength: 2000 },
        maxProperties: 50,
      },
      credential: { type: 'string', title: 'Credential (instead of the tenant’s)', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
    },
  },
  defaultParams: { connector: 'erp', operation: 'fetchPurchaseOrder', input: { poNumber: 'invoice.poNumber' } },
});
