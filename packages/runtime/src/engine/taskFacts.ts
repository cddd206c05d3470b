/** What the inbox needs to know about an opening task that only the case's context can say. */
export interface TaskFacts {
  /** The exception kind of the finding that puts the most money at risk, e.g. `priceVariance`. */
  exceptionKind: string | null;
  /** A decimal string; `null` when no check reported one (the invoice total is used then). */
  valueAtRisk: string | null;
}

interface FindingLike {
  kind: string;
  severity?: string;
  valueAtRisk?: string;
}

const SEVERITY: Record<string, number> = { high: 3, warning: 2, info: 1 };

const isFinding = (f: unknown): f is FindingLike => !!f && typeof f === 'object' && typeof (f as FindingLike).kind === 'string';
const amount = (v: unknown): number => (typeof v === 'string' || typeof v === 'number' ? Number(v) || 0 : 0);

/**
 * Reads the check results the case kept (every result in `vars` that carries `findings`, such
 * as the 3-way match) and returns the leading exception kind and the value at risk: the
 * largest `valueAtRisk` any one check reported (checks overlap, so they are not added up).
 * A case that reached the task through a failed check (its `errors`) is `checkFailed`.
 * @example taskFacts({ vars: { match: { valueAtRisk: '60', findings: [{ kind: 'priceVariance', valueAtRisk: '60' }] } } })
 * // { exceptionKind: 'priceVariance', valueAtRisk: '60' }
 */
export function taskFacts(context: { vars?: Record<string, unknown>; errors?: Record<string, unknown> } | undefined): TaskFacts {
  let lead: FindingLike | undefined;
  let valueAtRisk: string | null = null;
  for (const result of Object.values(context?.vars ?? {})) {
    if (!result || typeof result !== 'object') continue;
    const findings = (result as { findings?: unknown }).findings;
    if (!Array.isArray(findings)) continue;
    const reported = (result as { valueAtRisk?: unknown }).valueAtRisk;
    if ((typeof reported === 'string' || typeof reported === 'number') && (valueAtRisk === null || amount(reported) > amount(valueAtRisk))) {
      valueAtRisk = String(reported);
    }
    for (const finding of findings.filter(isFinding)) {
      const better =
        !lead ||
        amount(finding.valueAtRisk) > amount(lead.valueAtRisk) ||
        (amount(finding.valueAtRisk) === amount(lead.valueAtRisk) && (SEVERITY[finding.severity ?? ''] ?? 0) > (SEVERITY[lead.severity ?? ''] ?? 0));
      if (better) lead = finding;
    }
  }
  const failed = Object.keys(context?.errors ?? {}).length > 0;
  return {
    exceptionKind: lead?.kind ?? (failed ? 'checkFailed' : null),
    valueAtRisk: valueAtRisk !== null && /^-?\d+(\.\d+)?$/.test(valueAtRisk) ? valueAtRisk : null,
  };
}
