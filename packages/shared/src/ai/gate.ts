import { APPROVING_OUTCOMES } from '../definition/sodRules.js';

/** What the gate does with a suggestion: complete the step, pre-fill the task, or show it as advice. */
export type AiGateMode = 'auto' | 'prefill' | 'advice';

/** The facts about the human step a suggestion is for that decide whether it may ever be automatic. */
export interface AiGateStep {
  /** The step's outcome ids. */
  outcomes: string[];
  /** The step carries the approval marker (segregation of duties applies to it). */
  approval: boolean;
  queue?: string;
  title?: string;
}

/** The AI suggestion node's own settings (its config). */
export interface AiGateConfig {
  /** Confidence needed per exception kind, e.g. `{ priceVariance: 0.85 }`. */
  thresholds?: Record<string, number>;
  /** Confidence needed for a kind without its own threshold. Default {@link DEFAULT_AI_THRESHOLD}. */
  defaultThreshold?: number;
  /** The flow allows completing the step as the system (the tenant policy must allow it too). */
  autoResolve?: boolean;
}

/** The tenant policy keys the gate reads. Both must be set for anything to be automatic. */
export interface AiGatePolicy {
  aiAutoResolve?: boolean;
  /** Invoices of this amount or more are never completed automatically. */
  aiAutoResolveLimit?: number;
}

export interface AiGateInput {
  suggestion: { outcome: string; probability: number };
  exceptionKind: string | null;
  config: AiGateConfig;
  step: AiGateStep;
  policy: AiGatePolicy;
  /** The amount at stake (the invoice's gross total); NaN when unknown. */
  amount: number;
}

export interface AiGateDecision {
  mode: AiGateMode;
  /** The threshold that applied (the kind's, else the default). */
  threshold: number;
  /** Why the mode is not more automatic, in words (empty for `auto`). */
  reasons: string[];
}

export const DEFAULT_AI_THRESHOLD = 0.9;

/** Outcome ids (case-insensitive) and step names that pay money out: never automatic. */
const PAYMENT_OUTCOME = /^(release|released|pay|paid|payment|releasepayment|schedulepayment)$/i;
const PAYMENT_STEP = /payment|pay[ -]?run|remittance/i;

const isApproving = (outcome: string) => (APPROVING_OUTCOMES as readonly string[]).includes(outcome.toLowerCase());

/**
 * Why a step may never be completed by the AI, whatever the confidence, or `null` when it may
 * (given the flow and the tenant allow it): payment release steps, steps with the approval
 * marker, and steps offering an approving outcome (`APPROVING_OUTCOMES`).
 * @example neverAutomatic({ outcomes: ['release', 'hold'], approval: false }) // 'a payment release step is never automatic'
 */
export function neverAutomatic(step: AiGateStep): string | null {
  if (step.outcomes.some((o) => PAYMENT_OUTCOME.test(o)) || PAYMENT_STEP.test(step.queue ?? '') || PAYMENT_STEP.test(step.title ?? '')) {
    return 'a payment release step is never automatic';
  }
  if (step.approval) return 'an approval step is never automatic';
  if (step.outcomes.some(isApproving)) return 'a step that approves is never automatic';
  return null;
}

/**
 * The gate between a model's suggestion and the case: below the threshold it is advice only;
 * above it the task is pre-filled (the analyst still confirms), or the step is completed as the
 * system only when the node and the tenant policy both allow it, the amount is known and under
 * the tenant's limit, and the step is not one that is never automatic ({@link neverAutomatic}).
 * Pure.
 * @example
 * decideAiGate({ suggestion: { outcome: 'acceptVariance', probability: 0.95 }, exceptionKind: 'priceVariance',
 *   config: { defaultThreshold: 0.9 }, step: { outcomes: ['acceptVariance', 'reject'], approval: false }, policy: {}, amount: 120 })
 * // { mode: 'prefill', threshold: 0.9, reasons: ['the flow does not allow automatic completion'] }
 */
export function decideAiGate(input: AiGateInput): AiGateDecision {
  const { suggestion, config, step, policy, amount } = input;
  const own = input.exceptionKind ? config.thresholds?.[input.exceptionKind] : undefined;
  const threshold = own ?? config.defaultThreshold ?? DEFAULT_AI_THRESHOLD;
  if (!step.outcomes.includes(suggestion.outcome)) {
    return { mode: 'advice', threshold, reasons: [`"${suggestion.outcome}" is not an outcome of the step`] };
  }
  if (!(suggestion.probability >= threshold)) {
    return { mode: 'advice', threshold, reasons: [`confidence ${percent(suggestion.probability)} is below the threshold ${percent(threshold)}`] };
  }
  const reasons: string[] = [];
  const never = neverAutomatic(step);
  if (never) reasons.push(never);
  if (isApproving(suggestion.outcome)) reasons.push('an approving outcome is never automatic');
  if (!config.autoResolve) reasons.push('the flow does not allow automatic completion');
  if (policy.aiAutoResolve !== true) reasons.push('the tenant policy does not allow automatic completion (aiAutoResolve)');
  const limit = policy.aiAutoResolveLimit;
  if (typeof limit !== 'number' || !Number.isFinite(limit)) reasons.push('the tenant sets no limit for automatic completion (aiAutoResolveLimit)');
  else if (!Number.isFinite(amount)) reasons.push('the amount is not known');
  else if (amount >= limit) reasons.push(`the amount ${amount} is not under the limit ${limit}`);
  return { mode: reasons.length ? 'prefill' : 'auto', threshold, reasons };
}

const percent = (p: number) => `${Math.round(p * 100)} %`;
