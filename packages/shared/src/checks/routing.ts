import { checkFeelExpression, feelCondition } from '../feel/feel.js';
import { EXCEPTION_KINDS, type Finding } from './finding.js';
import { rankFindings } from './triage.js';

/**
 * One row of a tenant's routing table: findings of these kinds (and, optionally, for which
 * the FEEL condition holds) open an exception case on `flow`.
 */
export interface RoutingRule {
  kinds: string[];
  /** FEEL over `finding` (kind, severity, valueAtRisk as a number, ruleId), `findings` and `invoice`. */
  when?: string;
  /** Key of the flow to start. */
  flow: string;
  /** Applies even when the caller named a flow (`?definition=`): for risks the caller cannot know, such as a duplicate. */
  preempt?: boolean;
  description?: string;
}

export interface RoutingTable {
  rules: RoutingRule[];
}

/** JSON Schema of a routing table, as `PUT /api/v1/routing` takes it. */
export const routingTableSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['rules'],
  properties: {
    rules: {
      type: 'array',
      maxItems: 200,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['kinds', 'flow'],
        properties: {
          kinds: { type: 'array', minItems: 1, maxItems: EXCEPTION_KINDS.length, uniqueItems: true, items: { enum: [...EXCEPTION_KINDS] } },
          when: { type: 'string', minLength: 1, maxLength: 2000 },
          flow: { type: 'string', minLength: 1, maxLength: 100 },
          preempt: { type: 'boolean' },
          description: { type: 'string', maxLength: 500 },
        },
      },
    },
  },
} as const;

/**
 * What the schema cannot say about a routing table: each `when` must parse as FEEL, and each
 * flow must be one the tenant has (`knownFlows`). Problems name the field, e.g. `/rules/2/when`.
 * @example checkRoutingTable({ rules: [{ kinds: ['missingPo'], flow: 'x', when: 'finding.valueAtRisk >' }] }, new Set(['x']))
 */
export function checkRoutingTable(table: RoutingTable, knownFlows: ReadonlySet<string>): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  table.rules.forEach((rule, i) => {
    if (rule.when !== undefined) {
      const error = checkFeelExpression(rule.when);
      if (error) problems.push({ path: `/rules/${i}/when`, message: error.message });
    }
    if (!knownFlows.has(rule.flow))
      problems.push({ path: `/rules/${i}/flow`, message: `no flow with key "${rule.flow}" in this tenant; install or create it first` });
  });
  return problems;
}

/** A published flow as intake chooses among them. */
export interface CandidateFlow {
  key: string;
  /** The start node's trigger (FEEL on `invoice`); absent means "always". */
  trigger?: string;
}

export type TriageOutcome = 'exception' | 'started' | 'touchless' | 'unrouted';

export interface IntakeRoute {
  /** Key of the flow to start, or null: no case. */
  flow: string | null;
  /** Why this flow: a routing rule (and the finding that decided), the caller's key, a start trigger, or nothing. */
  by: 'routing' | 'definition' | 'trigger' | 'none';
  rule: number | null;
  finding: Finding | null;
  /**
   * What intake records on the invoice: `exception` (a case carrying findings), `started` (a
   * case on a clean invoice, by key or trigger), `touchless` (clean, no case), `unrouted`
   * (findings, but no rule and no trigger chose a flow).
   */
  outcome: TriageOutcome;
}

const feelFinding = (f: Finding) => ({
  kind: f.kind,
  severity: f.severity,
  valueAtRisk: Number(f.valueAtRisk),
  ruleId: f.ruleId ?? null,
  lineId: f.lineId ?? null,
});

/**
 * Chooses the flow for an invoice from its findings (docs/checks.md, "Routing"), in this order:
 * 1. a `preempt` rule matched by a finding, even when the caller named a flow;
 * 2. the flow the caller named (`?definition=`);
 * 3. the rule matched by the riskiest finding that any rule matches (rules in table order);
 * 4. the first published flow whose start trigger holds, among flows that are not routing
 *    targets (with an empty table: all flows, as before triage);
 * 5. no case: `touchless` when clean, else `unrouted`.
 * Rules naming a flow that is not published are skipped.
 * @example chooseIntakeRoute({ findings, table, invoice, flows }).flow // 'duplicate-invoice'
 */
export function chooseIntakeRoute(input: {
  findings: readonly Finding[];
  table: RoutingTable;
  invoice: Record<string, unknown>;
  flows: readonly CandidateFlow[];
  definitionKey?: string;
}): IntakeRoute {
  const published = new Set(input.flows.map((f) => f.key));
  const ranked = rankFindings(input.findings);
  const findings = ranked.map(feelFinding);
  const outcomeWith = (flow: string | null): TriageOutcome =>
    flow ? (input.findings.length ? 'exception' : 'started') : input.findings.length ? 'unrouted' : 'touchless';
  const match = (preemptOnly: boolean): IntakeRoute | undefined => {
    for (const finding of ranked) {
      for (const [i, rule] of input.table.rules.entries()) {
        if (preemptOnly && !rule.preempt) continue;
        if (!rule.kinds.includes(finding.kind) || !published.has(rule.flow)) continue;
        if (rule.when && !feelCondition(rule.when, { finding: feelFinding(finding), findings, invoice: input.invoice })) continue;
        return { flow: rule.flow, by: 'routing', rule: i, finding, outcome: 'exception' };
      }
    }
    return undefined;
  };
  const preempted = match(true);
  if (preempted) return preempted;
  if (input.definitionKey) return { flow: input.definitionKey, by: 'definition', rule: null, finding: null, outcome: outcomeWith(input.definitionKey) };
  const routed = match(false);
  if (routed) return routed;
  const targets = new Set(input.table.rules.map((r) => r.flow));
  const triggered = input.flows.find((f) => !targets.has(f.key) && (!f.trigger || feelCondition(f.trigger, { invoice: input.invoice })));
  if (triggered) return { flow: triggered.key, by: 'trigger', rule: null, finding: null, outcome: outcomeWith(triggered.key) };
  return { flow: null, by: 'none', rule: null, finding: null, outcome: outcomeWith(null) };
}
