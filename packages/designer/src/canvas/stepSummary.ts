import type { FlowNode } from '@exflow/shared';

/** The config fields a summary reads; each kind's schema guarantees the shape of its own. */
interface SummarisedConfig {
  trigger?: string;
  branches?: unknown[] | number;
  hitPolicy?: string;
  rules?: unknown[];
  queue?: string;
  dueIn?: string;
  duration?: string;
  outcome?: unknown;
  service?: string;
}

/** One line under a step's title saying what it is set to do, in the domain's words. */
export function stepSummary(node: FlowNode): string {
  const c = (node.config ?? {}) as SummarisedConfig;
  switch (node.kind) {
    case 'start':
      return c.trigger ? `when ${c.trigger}` : 'every invoice';
    case 'decision': {
      const rules = (c.branches ?? []) as unknown[]; // a decision's branches are its rules
      return `${rules.length} rule${rules.length === 1 ? '' : 's'} + otherwise`;
    }
    case 'decisionTable':
      return `${c.hitPolicy ?? 'FIRST'} · ${(c.rules ?? []).length} rules`;
    case 'humanTask':
      return [c.queue && `queue ${c.queue}`, c.dueIn && `due ${humanDuration(c.dueIn)}`].filter(Boolean).join(' · ');
    case 'timer':
      return `wait ${humanDuration(c.duration ?? '')}`;
    case 'parallel':
      return `${c.branches ?? 2} branches`;
    case 'end':
      return String(c.outcome ?? '');
    default:
      return c.service ? `service ${c.service}` : '';
  }
}

/** `PT24H` → `24 h`, `P2D` → `2 d`; anything else is shown as written. */
export function humanDuration(iso: string): string {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!m || iso === 'P') return iso;
  const parts = [
    [m[1], 'd'],
    [m[2], 'h'],
    [m[3], 'min'],
    [m[4], 's'],
  ]
    .filter(([v]) => v)
    .map(([v, u]) => `${v} ${u}`);
  return parts.join(' ') || iso;
}
