import { slaState } from '../workspace/sla.js';

/** The SLA countdown: green, amber in the last fifth (or hour), red once overdue. */
export function SlaChip({ dueAt, createdAt, now }: { dueAt: string | null; createdAt: string; now: number }) {
  const sla = slaState(dueAt, createdAt, now);
  return (
    <span className={`sla sla--${sla.level}`} data-sla={sla.level} title={dueAt ? `Due ${new Date(dueAt).toLocaleString()}` : 'This task has no SLA'}>
      {sla.label}
    </span>
  );
}
