import type { EffectFailedMessage } from '@exflow/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { clockTime } from '../workspace/format.js';
import { useLiveMessage } from '../workspace/live.js';
import { useNow } from '../workspace/useNow.js';
import { workspaceHref } from '../workspace/workspaceRoute.js';
import type { CallFailure } from './callFailures.js';

/**
 * The latest `effect.failed` message of each call of the case, as they arrive (the case room is
 * joined by the page); `onFailure` runs on each, so the page reloads the effects it shows.
 */
export function useCallFailureMessages(caseId: string, onFailure: () => void): ReadonlyMap<string, EffectFailedMessage> {
  const [messages, setMessages] = useState<ReadonlyMap<string, EffectFailedMessage>>(new Map());
  useLiveMessage('effect.failed', (m) => {
    if (m.caseId !== caseId) return;
    setMessages((before) => new Map(before).set(m.effectId, m));
    onFailure();
  });
  return messages;
}

/** "ERP call failed (attempt 2 of 5): … Retrying at 14:05:30." or "Gave up after 5 attempts: …" with the incidents link. */
export function CallFailureBanner({ failure, stepLabel }: { failure: CallFailure; stepLabel: string }) {
  const { t } = useTranslation();
  const now = useNow(30_000);
  const system = failure.waitingFor ?? stepLabel;
  const attempt =
    failure.maxAttempts > 0
      ? t('callFailure.attemptOf', { attempt: failure.attempt, max: failure.maxAttempts })
      : t('callFailure.attempt', { attempt: failure.attempt });
  if (failure.retryAt) {
    return (
      <div className="banner banner--warn" role="status" data-testid="case-waiting" data-effect={failure.effectId}>
        {t('callFailure.retrying', { system, attempt, error: failure.error, when: clockTime(failure.retryAt, now) })}{' '}
        {failure.waitingFor ? t('callFailure.resumes', { system, step: stepLabel }) : null}
      </div>
    );
  }
  return (
    <div className="banner banner--error" role="alert" data-testid="case-gave-up" data-effect={failure.effectId}>
      {t('callFailure.gaveUp', { count: failure.attempt, system, error: failure.error })}{' '}
      <a href={workspaceHref({ page: 'incidents' })}>{t('callFailure.incidents')}</a>
    </div>
  );
}
