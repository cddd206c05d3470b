import { describe, expect, it } from 'vitest';
import { taskFacts } from './taskFacts.js';

describe('taskFacts', () => {
  it('takes the kind of the finding with the most money at risk, and the largest check total', () => {
    const facts = taskFacts({
      vars: {
        match: {
          valueAtRisk: '260.00',
          findings: [
            { kind: 'quantityVariance', severity: 'warning', valueAtRisk: '60' },
            { kind: 'priceVariance', severity: 'high', valueAtRisk: '200' },
          ],
        },
        duplicate: { valueAtRisk: '120.5', findings: [{ kind: 'suspectedDuplicate', severity: 'high', valueAtRisk: '120.5' }] },
        review: { outcome: 'accept', data: {} },
      },
    });
    expect(facts).toEqual({ exceptionKind: 'priceVariance', valueAtRisk: '260.00' });
  });

  it('breaks a tie in money by severity', () => {
    const facts = taskFacts({
      vars: {
        a: {
          findings: [
            { kind: 'warn', severity: 'warning', valueAtRisk: '10' },
            { kind: 'worse', severity: 'high', valueAtRisk: '10' },
          ],
        },
      },
    });
    expect(facts.exceptionKind).toBe('worse');
    expect(facts.valueAtRisk).toBeNull();
  });

  it('says checkFailed when the case came through a failed check, and nothing when no check ran', () => {
    expect(taskFacts({ vars: {}, errors: { match: 'timeout' } })).toEqual({ exceptionKind: 'checkFailed', valueAtRisk: null });
    expect(taskFacts({ vars: {} })).toEqual({ exceptionKind: null, valueAtRisk: null });
    expect(taskFacts(undefined)).toEqual({ exceptionKind: null, valueAtRisk: null });
  });

  it('ignores a value at risk that is not a decimal', () => {
    expect(taskFacts({ vars: { x: { valueAtRisk: 'a lot', findings: [] } } }).valueAtRisk).toBeNull();
  });
});
