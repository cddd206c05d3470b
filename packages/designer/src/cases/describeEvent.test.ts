import { describe, expect, it } from 'vitest';
import { describeTaskHold } from './describeEvent.js';

const label = (id: string) => ({ review: 'Procurement review' })[id] ?? id;
const name = (id: string | null) => ({ 'u-bea': 'Bea Analyst' })[id ?? ''] ?? '—';

describe('describeTaskHold', () => {
  it('says who took, gave back or handed on a task', () => {
    expect(describeTaskHold({ action: 'task.claimed', data: { nodeId: 'review' } }, label, name)).toEqual({ what: 'Procurement review: claimed', why: null });
    expect(describeTaskHold({ action: 'task.released', data: { nodeId: 'review' } }, label, name).what).toBe('Procurement review: released to the queue');
    expect(describeTaskHold({ action: 'task.reassigned', data: { nodeId: 'review', to: 'u-bea', reason: 'knows the supplier' } }, label, name)).toEqual({
      what: 'Procurement review: reassigned to Bea Analyst',
      why: 'knows the supplier',
    });
  });
});
