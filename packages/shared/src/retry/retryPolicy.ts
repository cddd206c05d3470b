import type { JsonSchema } from '../nodes/defineNodeKind.js';
import { durationToMs } from '../time/duration.js';

/**
 * How an outbound call is retried, as data on the node (the shape of Temporal's RetryPolicy).
 * Intervals are ISO 8601 durations. Every field is optional; a missing one takes its value from
 * {@link DEFAULT_RETRY_POLICY}.
 */
export interface RetryPolicy {
  /** Wait before the first retry. */
  initialInterval?: string;
  /** Each wait is the previous one times this (≥ 1). */
  backoffCoefficient?: number;
  /** No wait is longer than this. */
  maximumInterval?: string;
  /** Attempts in all, the first included; 0 means no limit (then `deadline` ends the retries). */
  maximumAttempts?: number;
  /** No attempt starts later than this after the first one. */
  deadline?: string;
  /** Error codes (a service error's `code`, else its `name`) that are never retried. */
  nonRetryableErrors?: string[];
}

/**
 * The default for outbound calls: it rides out an outage of a day (1 s, 2 s, 4 s … then every
 * 5 minutes, for 24 hours).
 */
export const DEFAULT_RETRY_POLICY: Required<RetryPolicy> = {
  initialInterval: 'PT1S',
  backoffCoefficient: 2,
  maximumInterval: 'PT5M',
  maximumAttempts: 0,
  deadline: 'PT24H',
  nonRetryableErrors: [],
};

const duration = (title: string, description: string): JsonSchema => ({
  type: 'string',
  title,
  description,
  pattern: '^P(?:\\d+D)?(?:T(?:\\d+H)?(?:\\d+M)?(?:\\d+(?:\\.\\d{1,3})?S)?)?$',
});

/** JSON Schema of a {@link RetryPolicy}, for node config schemas (the inspector renders it as a form). */
export const retryPolicySchema: JsonSchema = {
  type: 'object',
  title: 'Retry policy',
  description: 'How a failed call is retried. Empty fields take the default: 1 s, doubling, at most 5 minutes apart, for 24 hours.',
  additionalProperties: false,
  properties: {
    initialInterval: duration('First retry after', 'ISO 8601 duration, e.g. PT1S'),
    backoffCoefficient: { type: 'number', minimum: 1, maximum: 100, title: 'Backoff coefficient' },
    maximumInterval: duration('At most this long between attempts', 'ISO 8601 duration, e.g. PT5M'),
    maximumAttempts: { type: 'integer', minimum: 0, maximum: 10000, title: 'Attempts in all (0: until the deadline)' },
    deadline: duration('Give up after', 'ISO 8601 duration from the first attempt, e.g. PT24H'),
    nonRetryableErrors: { type: 'array', title: 'Errors not to retry (codes)', items: { type: 'string', minLength: 1 }, uniqueItems: true },
  },
};

/** What happened to one attempt. */
export interface FailedAttempt {
  /** Which attempt failed, counting from 1. */
  attempt: number;
  /** When the first attempt started, epoch ms. */
  firstAttemptAt: number;
  /** Now, epoch ms. */
  now: number;
  /** The error's code (or name), matched against `nonRetryableErrors`. */
  errorCode?: string;
  /** The service said retrying cannot help (a 4xx answer, bad parameters). */
  nonRetryable?: boolean;
  /** A number in [0, 1) that spreads retries of many calls (±20 %); 0.5 for none. */
  jitter?: number;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: 'non-retryable' | 'attempts' | 'deadline' };

const ms = (text: string, fallback: string) => durationToMs(text) ?? durationToMs(fallback)!;

/**
 * Decides whether a failed attempt is retried, and after how long:
 * `initialInterval × backoffCoefficient^(attempt−1)`, capped at `maximumInterval`, ±20 % jitter;
 * no retry for a non-retryable error, after `maximumAttempts`, or when the next attempt would
 * start after `deadline`. Pure: the caller passes the clock and the jitter.
 * @example
 * nextRetry({ initialInterval: 'PT1S' }, { attempt: 3, firstAttemptAt: 0, now: 3_000 })
 * // { retry: true, delayMs: 4000 }
 */
export function nextRetry(policy: RetryPolicy | undefined, failed: FailedAttempt): RetryDecision {
  const p = { ...DEFAULT_RETRY_POLICY, ...policy };
  if (failed.nonRetryable || (failed.errorCode !== undefined && p.nonRetryableErrors.includes(failed.errorCode))) {
    return { retry: false, reason: 'non-retryable' };
  }
  if (p.maximumAttempts > 0 && failed.attempt >= p.maximumAttempts) return { retry: false, reason: 'attempts' };
  const base = ms(p.initialInterval, DEFAULT_RETRY_POLICY.initialInterval) * Math.max(1, p.backoffCoefficient) ** (failed.attempt - 1);
  const capped = Math.min(base, ms(p.maximumInterval, DEFAULT_RETRY_POLICY.maximumInterval));
  const delayMs = Math.round(capped * (0.8 + 0.4 * (failed.jitter ?? 0.5)));
  if (failed.now + delayMs > failed.firstAttemptAt + ms(p.deadline, DEFAULT_RETRY_POLICY.deadline)) return { retry: false, reason: 'deadline' };
  return { retry: true, delayMs };
}
