import { useTranslation } from 'react-i18next';
import { dateTime } from './format.js';
import { slaState, type SlaWords } from './sla.js';

/** The SLA countdown: green, amber in the last fifth (or hour), red once overdue. */
export function SlaChip({ dueAt, createdAt, now }: { dueAt: string | null; createdAt: string; now: number }) {
  const words = useSlaWords();
  const sla = slaState(dueAt, createdAt, now, words);
  const { t } = useTranslation();
  return (
    <span className={`sla sla--${sla.level}`} data-sla={sla.level} title={dueAt ? t('sla.due', { when: dateTime(dueAt) }) : t('sla.noSla')}>
      {sla.label}
    </span>
  );
}

/** The SLA words in the user's language. */
export function useSlaWords(): SlaWords {
  const { t } = useTranslation();
  return {
    units: { day: t('sla.day'), hour: t('sla.hour'), minute: t('sla.minute'), second: t('sla.second') },
    none: t('sla.none'),
    left: (duration) => t('sla.left', { duration }),
    overdue: (duration) => t('sla.overdue', { duration }),
  };
}
