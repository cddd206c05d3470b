import { initialTransition, transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import { activeNodeIds, anomalyInWords, decideAiGate, maskPii, neverAutomatic, probabilityInWords, validate, type AiGateInput } from '../src/index.js';
import { build, edges, effects, end, flow, named, start, task, types } from './helpers.js';

const base: AiGateInput = {
  suggestion: { outcome: 'acceptVariance', probability: 0.999 },
  exceptionKind: 'priceVariance',
  config: { thresholds: { priceVariance: 0.8 }, defaultThreshold: 0.95, autoResolve: true },
  step: { outcomes: ['acceptVariance', 'reject'], approval: false, queue: 'ap-review', title: 'Price variance' },
  policy: { aiAutoResolve: true, aiAutoResolveLimit: 1000 },
  amount: 500,
};
const gate = (change: Partial<AiGateInput>) => decideAiGate({ ...base, ...change });

describe('decideAiGate', () => {
  it('completes a non-payment decision only when the node and the policy allow it and the amount is under the limit', () => {
    expect(gate({})).toEqual({ mode: 'auto', threshold: 0.8, reasons: [] });
  });

  it('uses the kind threshold, else the default; below it the suggestion is advice', () => {
    expect(gate({ suggestion: { outcome: 'acceptVariance', probability: 0.79 } }).mode).toBe('advice');
    expect(gate({ exceptionKind: 'quantityVariance', suggestion: { outcome: 'acceptVariance', probability: 0.9 } })).toMatchObject({
      mode: 'advice',
      threshold: 0.95,
    });
    expect(gate({ exceptionKind: null, suggestion: { outcome: 'acceptVariance', probability: 0.96 } }).mode).toBe('auto');
    expect(gate({ suggestion: { outcome: 'acceptVariance', probability: Number.NaN } }).mode).toBe('advice');
  });

  it('pre-fills instead of completing without both the node and the tenant policy, or a limit', () => {
    expect(gate({ config: { ...base.config, autoResolve: false } }).mode).toBe('prefill');
    expect(gate({ policy: { aiAutoResolveLimit: 1000 } }).mode).toBe('prefill');
    expect(gate({ policy: { aiAutoResolve: true } }).mode).toBe('prefill');
  });

  it('never completes at or over the limit or with an unknown amount, whatever the confidence', () => {
    expect(gate({ amount: 1000 })).toMatchObject({ mode: 'prefill', reasons: ['the amount 1000 is not under the limit 1000'] });
    expect(gate({ amount: 25_000 }).mode).toBe('prefill');
    expect(gate({ amount: Number.NaN }).mode).toBe('prefill');
  });

  it('never completes a payment release, an approval step or an approving outcome at 0.999', () => {
    const payment = gate({ step: { ...base.step, outcomes: ['release', 'hold'] }, suggestion: { outcome: 'hold', probability: 0.999 } });
    expect(payment).toMatchObject({ mode: 'prefill', reasons: ['a payment release step is never automatic'] });
    expect(gate({ step: { ...base.step, title: 'Release payment run' } }).mode).toBe('prefill');
    expect(gate({ step: { ...base.step, approval: true } }).reasons).toContain('an approval step is never automatic');
    const approving = gate({ step: { ...base.step, outcomes: ['approve', 'reject'] }, suggestion: { outcome: 'reject', probability: 0.999 } });
    expect(approving.reasons).toContain('a step that approves is never automatic');
  });

  it('treats an outcome the step does not offer as advice', () => {
    expect(gate({ suggestion: { outcome: 'release', probability: 0.999 } }).mode).toBe('advice');
  });

  it('names why a step may never be automatic', () => {
    expect(neverAutomatic({ outcomes: ['acceptVariance'], approval: false })).toBeNull();
    expect(neverAutomatic({ outcomes: ['pay', 'hold'], approval: false })).toMatch(/payment/);
  });
});

describe('probabilityInWords', () => {
  it('says how likely, with the percentage', () => {
    expect(probabilityInWords(0.93)).toBe('likely, 93 %');
    expect(probabilityInWords(0.99)).toBe('almost certain, 99 %');
    expect(probabilityInWords(0.5)).toBe('uncertain, 50 %');
  });
});

describe('anomalyInWords', () => {
  it('says how unusual, with the percentage; flagged decides between slightly unusual and unusual', () => {
    expect(anomalyInWords(0.86, true)).toBe('highly unusual, 86 %');
    expect(anomalyInWords(0.55, true)).toBe('unusual, 55 %');
    expect(anomalyInWords(0.55, false)).toBe('slightly unusual, 55 %');
    expect(anomalyInWords(0.1, false)).toBe('ordinary, 10 %');
  });
});

const ai = (config: Record<string, unknown> = {}) => ({ id: 'ai', kind: 'aiSuggestion', config: { defaultThreshold: 0.9, autoResolve: true, ...config } });
const aiFlow = (review = task('review', ['acceptVariance', 'reject'])) =>
  flow(
    [start(), ai(), review, end('accepted'), end('rejected', 'rejected')],
    edges(
      'start>ai',
      'ai>review',
      `review.${(review.config as { outcomes: { id: string }[] }).outcomes[0].id}>accepted`,
      `review.${(review.config as { outcomes: { id: string }[] }).outcomes[1].id}>rejected`,
    ),
  );

describe('aiSuggestion node', () => {
  it('must lead straight to a human step', () => {
    const wrong = flow([start(), ai(), end()], edges('start>ai', 'ai>end'));
    expect(named(validate(wrong).problems)).toEqual([{ code: 'ai.notBeforeTask', nodeId: 'ai', edgeId: undefined }]);
  });

  it('asks the AI service for the step, then opens the task with the suggestion kept', () => {
    const { machine } = build(aiFlow());
    const [first, actions] = initialTransition(machine, { invoice: {} });
    expect(activeNodeIds(first.value)).toEqual(['ai']);
    expect(effects(actions).find((a) => a.type === 'exflow.service')?.params).toMatchObject({
      service: 'aiSuggestion',
      params: { forStep: 'review', step: { outcomes: ['acceptVariance', 'reject'], approval: false }, autoResolve: true },
    });
    const result = { mode: 'prefill', outcome: 'acceptVariance', probability: 0.95 };
    const [next] = transition(machine, first, { type: 'service.done', nodeId: 'ai', result });
    expect(activeNodeIds(next.value)).toEqual(['review']);
    expect(next.context.vars.ai).toEqual(result);
    const [failed] = transition(machine, first, { type: 'service.failed', nodeId: 'ai', error: 'no model' });
    expect(activeNodeIds(failed.value)).toEqual(['review']);
    expect(failed.context.errors).toEqual({});
  });

  it('completes the step as the system when the gate said auto', () => {
    const { machine } = build(aiFlow());
    const [first] = initialTransition(machine, { invoice: {} });
    const [next, actions] = transition(machine, first, { type: 'service.done', nodeId: 'ai', result: { mode: 'auto', outcome: 'reject', suggestionId: 's1' } });
    expect(next.status).toBe('done');
    expect(activeNodeIds(next.value)).toEqual(['rejected']);
    expect(next.context.tasks.review).toEqual({ outcome: 'reject', data: { aiSuggestionId: 's1' }, by: 'system' });
    expect(types(actions)).not.toContain('exflow.task.open');
  });

  it('compiles no way to skip an approval or a payment release, whatever the service answers', () => {
    for (const review of [
      task('review', ['acceptVariance', 'reject'], { approval: {} }),
      task('review', ['release', 'hold']),
      task('review', ['approve', 'reject'], { approval: { approveOutcomes: ['approve'] } }),
    ]) {
      const { machine } = build(aiFlow(review));
      const [first] = initialTransition(machine, { invoice: {} });
      const outcome = (review.config as { outcomes: { id: string }[] }).outcomes[1].id;
      const [next, actions] = transition(machine, first, { type: 'service.done', nodeId: 'ai', result: { mode: 'auto', outcome, probability: 0.999 } });
      expect(activeNodeIds(next.value)).toEqual(['review']);
      expect(types(actions)).toContain('exflow.task.open');
    }
  });
});

describe('maskPii', () => {
  it('masks named fields at any depth and IBANs and e-mails in any text', () => {
    const { value, masked } = maskPii({
      supplier: { name: 'Nordic Office Supplies AB', taxId: 'SE556677889901', bankAccount: 'SE4550000000058398257466', country: 'SE' },
      lines: [{ description: 'Chairs, ask anna@nordic.example or pay DE89 3704 0044 0532 0130 00' }],
      grossTotal: '1200.00',
    });
    expect(value).toEqual({
      supplier: { name: '[masked]', taxId: '[masked]', bankAccount: '[masked]', country: 'SE' },
      lines: [{ description: 'Chairs, ask [email] or pay [iban]' }],
      grossTotal: '1200.00',
    });
    expect(masked).toEqual(['supplier.name', 'supplier.taxId', 'supplier.bankAccount', 'lines[0].description']);
    expect(JSON.stringify(value)).not.toMatch(/Nordic|anna|3704/);
  });

  it('masks only the fields a policy lists', () => {
    expect(maskPii({ supplier: { name: 'ACME', taxId: 'X1' } }, ['taxId']).value).toEqual({ supplier: { name: 'ACME', taxId: '[masked]' } });
  });
});
