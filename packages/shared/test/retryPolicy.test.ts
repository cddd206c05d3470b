import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, nextRetry, type RetryPolicy } from '../src/index.js';

const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;

/** Runs the policy against an outage of `outageMs`: does some attempt land after it ends? */
function survives(policy: RetryPolicy | undefined, outageMs: number) {
  let now = 0;
  for (let attempt = 1; ; attempt++) {
    if (now >= outageMs) return { ok: true, attempt, at: now };
    const next = nextRetry(policy, { attempt, firstAttemptAt: 0, now });
    if (!next.retry) return { ok: false, attempt, at: now, reason: next.reason };
    now += next.delayMs;
  }
}

describe('nextRetry', () => {
  it('backs off exponentially from the initial interval, capped at the maximum interval', () => {
    const policy: RetryPolicy = { initialInterval: 'PT1S', backoffCoefficient: 2, maximumInterval: 'PT10S' };
    const delays = [1, 2, 3, 4, 5, 6].map((attempt) => nextRetry(policy, { attempt, firstAttemptAt: 0, now: 0 }));
    expect(delays).toEqual([1, 2, 4, 8, 10, 10].map((s) => ({ retry: true, delayMs: s * S })));
  });

  it('spreads retries by ±20 % with the jitter given', () => {
    expect(nextRetry({ initialInterval: 'PT10S' }, { attempt: 1, firstAttemptAt: 0, now: 0, jitter: 0 })).toEqual({ retry: true, delayMs: 8 * S });
    expect(nextRetry({ initialInterval: 'PT10S' }, { attempt: 1, firstAttemptAt: 0, now: 0, jitter: 0.999 })).toEqual({ retry: true, delayMs: 11_996 });
  });

  it('stops after maximumAttempts, the first attempt counted', () => {
    const policy = { maximumAttempts: 3, initialInterval: 'PT0.01S' };
    expect(nextRetry(policy, { attempt: 2, firstAttemptAt: 0, now: 0 }).retry).toBe(true);
    expect(nextRetry(policy, { attempt: 3, firstAttemptAt: 0, now: 0 })).toEqual({ retry: false, reason: 'attempts' });
  });

  it('stops when the next attempt would start after the deadline', () => {
    const policy = { initialInterval: 'PT10S', deadline: 'PT1M' };
    expect(nextRetry(policy, { attempt: 1, firstAttemptAt: 0, now: 49 * S }).retry).toBe(true);
    expect(nextRetry(policy, { attempt: 1, firstAttemptAt: 0, now: 51 * S })).toEqual({ retry: false, reason: 'deadline' });
  });

  it('never retries an error the service calls non-retryable, or one whose code the policy lists', () => {
    expect(nextRetry(undefined, { attempt: 1, firstAttemptAt: 0, now: 0, nonRetryable: true })).toEqual({ retry: false, reason: 'non-retryable' });
    expect(nextRetry({ nonRetryableErrors: ['invoice-rejected'] }, { attempt: 1, firstAttemptAt: 0, now: 0, errorCode: 'invoice-rejected' })).toEqual({
      retry: false,
      reason: 'non-retryable',
    });
    expect(nextRetry({ nonRetryableErrors: ['invoice-rejected'] }, { attempt: 1, firstAttemptAt: 0, now: 0, errorCode: 'timeout' }).retry).toBe(true);
  });

  it('the default rides out an hour-long outage (the old budget, 5 attempts from 1 s, gave up after ~16 s)', () => {
    expect(DEFAULT_RETRY_POLICY).toMatchObject({ initialInterval: 'PT1S', backoffCoefficient: 2, maximumInterval: 'PT5M', deadline: 'PT24H' });
    expect(survives(undefined, HOUR)).toMatchObject({ ok: true });
    expect(survives(undefined, 23 * HOUR)).toMatchObject({ ok: true });
    expect(survives(undefined, 25 * HOUR)).toMatchObject({ ok: false, reason: 'deadline' });
    expect(survives({ maximumAttempts: 5 }, 30 * S)).toMatchObject({ ok: false, reason: 'attempts', attempt: 5 });
  });
});
