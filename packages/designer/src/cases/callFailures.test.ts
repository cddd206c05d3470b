import type { EffectFailedMessage } from '@exflow/shared';
import { describe, expect, it } from 'vitest';
import type { Effect } from '../workspace/workspaceApi.js';
import { callFailures } from './callFailures.js';

const effect = (over: Partial<Effect>): Effect => ({
  id: 'fx-1',
  caseId: 'c-1',
  caseVersion: 1,
  nodeId: 'po',
  kind: 'service',
  service: 'connector',
  status: 'pending',
  attempts: 0,
  maxAttempts: 5,
  runAt: '2026-12-01T14:05:00.000Z',
  lastError: null,
  waitingFor: null,
  nextRetryAt: null,
  ...over,
});
const message = (over: Partial<EffectFailedMessage>): EffectFailedMessage => ({
  caseId: 'c-1',
  effectId: 'fx-1',
  nodeId: 'po',
  service: 'connector',
  attempt: 2,
  maxAttempts: 5,
  error: 'ERP unreachable',
  waitingFor: 'ERP',
  next: 'retry',
  retryAt: '2026-12-01T14:05:30.000Z',
  gaveUp: null,
  ...over,
});
const open = { status: 'open', activeNodes: ['po'] };
const none = new Map<string, EffectFailedMessage>();

describe('callFailures', () => {
  it('shows a call that failed and waits for its retry, from the loaded case', () => {
    const waiting = effect({ attempts: 2, lastError: 'ERP unreachable', waitingFor: 'ERP', nextRetryAt: '2026-12-01T14:05:30.000Z' });
    expect(callFailures([waiting], none, open)).toEqual([
      { effectId: 'fx-1', nodeId: 'po', waitingFor: 'ERP', attempt: 2, maxAttempts: 5, error: 'ERP unreachable', retryAt: '2026-12-01T14:05:30.000Z' },
    ]);
  });

  it('shows nothing for a call not tried yet, one that is done, or one that took its error edge', () => {
    expect(callFailures([effect({})], none, open)).toEqual([]);
    expect(callFailures([effect({ status: 'done', attempts: 3, lastError: 'x' })], none, open)).toEqual([]);
    expect(callFailures([effect({ status: 'failed', attempts: 5, lastError: 'x' })], none, { status: 'rejected', activeNodes: [] })).toEqual([]);
  });

  it('keeps showing the announced failure while its retry is in flight (the loaded effect is running)', () => {
    const running = effect({ status: 'running', attempts: 3 });
    expect(callFailures([running], new Map([['fx-1', message({ attempt: 2 })]]), open)).toEqual([
      expect.objectContaining({ attempt: 2, retryAt: message({}).retryAt }),
    ]);
    // the call then succeeded: the announcement is stale
    expect(callFailures([effect({ status: 'done', attempts: 3 })], new Map([['fx-1', message({})]]), open)).toEqual([]);
  });

  it('shows a call that gave up while the case waits in an incident at its step', () => {
    const spent = effect({ status: 'failed', attempts: 5, lastError: 'ERP unreachable' });
    const incident = { status: 'incident', activeNodes: ['po'] };
    expect(callFailures([spent], none, incident)).toEqual([expect.objectContaining({ attempt: 5, retryAt: null, error: 'ERP unreachable' })]);
    const gaveUp = message({ attempt: 5, next: 'incident', retryAt: null, gaveUp: 'attempts' });
    expect(callFailures([spent], new Map([['fx-1', gaveUp]]), incident)).toEqual([expect.objectContaining({ attempt: 5, retryAt: null, waitingFor: 'ERP' })]);
  });

  it('shows an announced failure of a call the loaded case does not show yet', () => {
    expect(callFailures([], new Map([['fx-9', message({ effectId: 'fx-9' })]]), open)).toEqual([expect.objectContaining({ effectId: 'fx-9', attempt: 2 })]);
  });
});
