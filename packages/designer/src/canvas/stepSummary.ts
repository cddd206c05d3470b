import type { FlowNode } from '@exflow/shared';
import { outcomeLabel } from '../i18n/designerText.js';
import { i18n } from '../i18n/i18n.js';

/** The config fields a summary reads; each kind's schema guarantees the shape of its own. */
interface SummarisedConfig {
  trigger?: string;
  branches?: unknown[] | number;
  hitPolicy?: string;
  rules?: unknown[];
  queue?: string;
  dueIn?: string;
  dueInBusinessDays?: boolean;
  duration?: string;
  outcome?: unknown;
  service?: string;
}

/** One line under a step's title saying what it is set to do, in the domain's words and the user's language. */
export function stepSummary(node: FlowNode): string {
  const c = (node.config ?? {}) as SummarisedConfig;
  const t = i18n.t.bind(i18n);
  switch (node.kind) {
    case 'start':
      return c.trigger ? t('step.when', { condition: c.trigger }) : t('step.everyInvoice');
    case 'decision': // a decision's branches are its rules
      return t('step.rules', { count: ((c.branches ?? []) as unknown[]).length });
    case 'decisionTable':
      return t('step.tableRules', { policy: c.hitPolicy ?? 'FIRST', count: (c.rules ?? []).length });
    case 'humanTask':
      return [c.queue && t('step.queue', { queue: c.queue }), c.dueIn && dueText(c.dueIn, c.dueInBusinessDays === true)].filter(Boolean).join(' · ');
    case 'timer':
      return t('step.wait', { duration: humanDuration(c.duration ?? '') });
    case 'parallel':
      return t('step.branches', { count: typeof c.branches === 'number' ? c.branches : 2 });
    case 'end':
      return outcomeLabel(String(c.outcome ?? ''));
    default:
      return c.service ? t('step.service', { service: c.service }) : '';
  }
}

/** "due in 2 business days" when the SLA counts whole business days, else "due in 24 h". */
function dueText(iso: string, businessDays: boolean): string {
  const days = /^P(\d+)D$/.exec(iso);
  if (businessDays && days) return i18n.t('step.dueBusinessDays', { count: Number(days[1]) });
  return i18n.t(businessDays ? 'step.dueBusiness' : 'step.due', { duration: humanDuration(iso) });
}

/** `PT24H` → `24 h`, `P2D` → `2 d` (units in the user's language); anything else is shown as written. */
export function humanDuration(iso: string): string {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!m || iso === 'P') return iso;
  const parts = [
    [m[1], i18n.t('sla.day')],
    [m[2], i18n.t('sla.hour')],
    [m[3], i18n.t('sla.minute')],
    [m[4], i18n.t('sla.second')],
  ]
    .filter(([v]) => v)
    .map(([v, u]) => `${v} ${u}`);
  return parts.join(' ') || iso;
}
