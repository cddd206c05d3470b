import type { CaseRecord } from '../store/caseRepository.js';

/** A bounded map of the last committed state of recently changed cases (least recent evicted). */
export function createRecentCases(max: number) {
  const entries = new Map<string, CaseRecord>();
  const key = (tenantId: string, caseId: string) => `${tenantId}\u0000${caseId}`;
  return {
    get(tenantId: string, caseId: string): CaseRecord | undefined {
      const k = key(tenantId, caseId);
      const hit = entries.get(k);
      if (hit) {
        entries.delete(k);
        entries.set(k, hit);
      }
      return hit;
    },
    set(record: CaseRecord): void {
      const k = key(record.tenantId, record.id);
      entries.delete(k);
      if (record.status !== 'open') return; // closed cases take no more events
      if (entries.size >= max) entries.delete(entries.keys().next().value!);
      entries.set(k, record);
    },
    drop(tenantId: string, caseId: string): void {
      entries.delete(key(tenantId, caseId));
    },
    get size(): number {
      return entries.size;
    },
  };
}
