import { checkFeelExpression } from '../feel/feel.js';
import { durationToMs } from '../time/duration.js';
import { timerIs, type KindAction, type KindGuard } from './behaviour.js';
import { defineNodeKind } from './defineNodeKind.js';

export interface TaskOutcome {
  id: string;
  label: string;
}

export interface HumanTaskConfig {
  title: string;
  queue: string;
  candidateRoles?: string[];
  instructions?: string;
  /** JSON Schema of the form the person fills in. */
  form?: Record<string, unknown>;
  outcomes: TaskOutcome[];
  /** ISO 8601 duration until the task is due, e.g. PT24H. */
  dueIn?: string;
  /** Count the days of `dueIn` as the tenant's business days (its `businessCalendar` policy), not calendar days. */
  dueInBusinessDays?: boolean;
  /** 1 (highest) to 5. */
  priority?: number;
  /** Name under which the outcome and form data are kept for later steps. Default: the node id. */
  resultVar?: string;
  /**
   * The step makes or corrects what is approved later (it edits, corrects or submits the
   * invoice): design-time segregation of duties keeps its roles off downstream approvals.
   */
  maker?: boolean;
  /**
   * Makes the task an approval: the runtime enforces segregation of duties on it (no
   * self-approval, approver limits from the authority matrix, four-eyes above a threshold).
   */
  approval?: {
    /** Outcomes that approve (limits and four-eyes apply to them). Default: ["approve"]. */
    approveOutcomes?: string[];
    /** FEEL for the amount being approved. Default: invoice.grossTotal. */
    amount?: string;
  };
}

/** `task.completed` for this step with this outcome. */
const taskOutcome: KindGuard = ({ event }, params) => event.nodeId === params.nodeId && event.outcome === params.outcome;

/** Keeps the decision (outcome, form data, who) by node id and under the step's result name. */
const assignTaskResult: KindAction = ({ context, event }, params) => {
  const decided = { outcome: String(event.outcome), data: (event.data as Record<string, unknown>) ?? {}, by: (event.actor as string) ?? null };
  return { tasks: { ...context.tasks, [params.nodeId]: decided }, vars: { ...context.vars, [params.resultVar]: decided } };
};

export const humanTask = defineNodeKind<HumanTaskConfig>({
  kind: 'humanTask',
  version: 1,
  behaviour: { guards: { taskOutcome, timerIs }, actions: { assignTaskResult } },
  label: 'Review / approval',
  description: 'A person decides: the case waits in a queue until someone completes the task.',
  group: 'people',
  icon: '👤',
  inputs: 'many',
  outputs: (config) => [
    ...(config.outcomes ?? []).map((o) => ({ id: o.id, label: o.label || o.id, required: true })),
    ...(config.dueIn ? [{ id: 'timeout', label: 'past SLA', required: false }] : []),
  ],
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['title', 'queue', 'outcomes'],
    properties: {
      title: { type: 'string', title: 'Task title', minLength: 1 },
      queue: { type: 'string', title: 'Queue', minLength: 1, 'x-widget': 'queue' },
      candidateRoles: { type: 'array', title: 'Candidate roles', items: { type: 'string' }, 'x-widget': 'roles' },
      instructions: { type: 'string', title: 'Instructions' },
      form: { type: 'object', title: 'Form (JSON Schema)' },
      outcomes: {
        type: 'array',
        title: 'Outcomes',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id'],
          properties: {
            id: { type: 'string', title: 'Outcome id', maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' },
            label: { type: 'string', title: 'Button label' },
          },
        },
      },
      dueIn: { type: 'string', title: 'Due in', description: 'How long the task may wait before it is past its SLA', pattern: '^P', 'x-widget': 'duration' },
      dueInBusinessDays: { type: 'boolean', title: 'Count business days (skip weekends and holidays)' },
      priority: { type: 'integer', title: 'Priority (1 highest)', minimum: 1, maximum: 5 },
      resultVar: { type: 'string', title: 'Keep the decision as', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      maker: { type: 'boolean', title: 'Edits, corrects or submits the invoice (its roles may not approve it later)' },
      approval: {
        type: 'object',
        title: 'Approval (segregation of duties, limits, four-eyes)',
        additionalProperties: false,
        properties: {
          approveOutcomes: { type: 'array', title: 'Outcomes that approve', items: { type: 'string' } },
          amount: { type: 'string', title: 'Amount approved (FEEL)', format: 'feel' },
        },
      },
    },
  },
  defaults: {
    title: 'Review',
    queue: 'ap-review',
    outcomes: [
      { id: 'approve', label: 'Approve' },
      { id: 'reject', label: 'Reject' },
    ],
  },
  check: (node, config) => [
    ...(config.dueIn && durationToMs(config.dueIn) === undefined
      ? [
          {
            code: 'duration.invalid',
            message: `Due in "${config.dueIn}" is not an ISO 8601 duration like PT24H or P2D`,
            nodeId: node.id,
            params: { value: config.dueIn },
            path: '/config/dueIn',
          },
        ]
      : []),
    ...(config.approval?.amount && checkFeelExpression(config.approval.amount)
      ? [
          {
            code: 'feel.syntax',
            message: `Approval amount: ${checkFeelExpression(config.approval.amount)!.message}`,
            nodeId: node.id,
            path: '/config/approval/amount',
          },
        ]
      : []),
  ],
  compile: (node, config, ctx) => {
    const timerId = `${node.id}:sla`;
    const timeout = config.dueIn ? ctx.target('timeout') : undefined;
    const resultVar = config.resultVar ?? node.id;
    return {
      entry: [
        {
          type: 'exflow.task.open',
          params: {
            nodeId: node.id,
            title: config.title,
            queue: config.queue,
            candidateRoles: config.candidateRoles ?? [],
            instructions: config.instructions ?? null,
            form: config.form ?? null,
            outcomes: config.outcomes,
            dueIn: config.dueIn ?? null,
            ...(config.dueInBusinessDays ? { businessDays: true } : {}),
            priority: config.priority ?? 3,
          },
        },
        ...(timeout
          ? [
              {
                type: 'exflow.timer.schedule',
                params: { nodeId: node.id, timerId, dueIn: config.dueIn, ...(config.dueInBusinessDays ? { businessDays: true } : {}) },
              },
            ]
          : []),
      ],
      exit: [{ type: 'exflow.task.close', params: { nodeId: node.id } }, ...(timeout ? [{ type: 'exflow.timer.cancel', params: { nodeId: node.id } }] : [])],
      on: {
        'task.completed': config.outcomes.map((o) => ({
          guard: { type: 'taskOutcome', params: { nodeId: node.id, outcome: o.id } },
          target: ctx.target(o.id),
          actions: [{ type: 'assignTaskResult', params: { nodeId: node.id, resultVar } }],
        })),
        ...(timeout ? { 'timer.fired': { guard: { type: 'timerIs', params: { timerId } }, target: timeout } } : {}),
      },
    };
  },
});
