import { readFileSync } from 'node:fs';
import { compile, type WorkflowDefinition } from '@exflow/shared';
import { describe, expect, it } from 'vitest';
import { casePath } from './casePath.js';

const flow: WorkflowDefinition = JSON.parse(readFileSync(new URL('../../../../templates/ap-exceptions/price-variance.workflow.json', import.meta.url), 'utf8'));
const compiled = compile(flow);
if (!compiled.ok) throw new Error('the template does not compile');
const invoice = { poNumber: 'PO-1001', grossTotal: 3450 };

describe('casePath', () => {
  it('replays the history: through the decision to the review task, then to the end', () => {
    const events = [
      { type: 'case.started', payload: {}, actor: 'u-erp' },
      { type: 'service.done', payload: { nodeId: 'match', result: { withinTolerance: false } }, actor: 'system' },
      { type: 'case.comment', payload: { text: 'looking' }, actor: 'u-analyst' },
      { type: 'task.completed', payload: { nodeId: 'procurementReview', outcome: 'accept', data: { reason: 'ok' } }, actor: 'u-analyst' },
    ];
    const path = casePath(flow, compiled.ok ? compiled.flow : null, invoice, events, ['accepted']);
    expect([...path.visited]).toEqual(['start', 'match', 'withinTolerance', 'procurementReview', 'accepted']);
    expect([...path.edges]).toEqual(['e-start', 'e-match', 'e-review', 'e-accept']);
    expect(path.active).toEqual(['accepted']);
  });

  it('falls back to where the case stands when there is no history to replay', () => {
    const path = casePath(flow, null, invoice, [], ['procurementReview']);
    expect([...path.visited]).toEqual(['procurementReview']);
    expect(path.edges.size).toBe(0);
  });
});
