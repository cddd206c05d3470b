import type { WorkflowDefinition } from '@exflow/shared';
import { describe, expect, it } from 'vitest';
import { addedStep, currentValue, overridableFields, overridesWith } from './layerEdits.js';

const base: WorkflowDefinition = {
  schemaVersion: 1,
  key: 'msp-review',
  name: 'MSP review',
  nodes: [
    { id: 'start', kind: 'start' },
    { id: 'big', kind: 'decision', config: { branches: [{ id: 'yes', label: 'large', condition: 'invoice.grossTotal > 10000' }] } },
    {
      id: 'review',
      kind: 'humanTask',
      label: 'Review',
      config: { title: 'Review', queue: 'msp-ap', dueIn: 'PT24H', priority: 3, outcomes: [{ id: 'done', label: 'Done' }] },
    },
    { id: 'done', kind: 'end', config: { outcome: 'resolved' } },
  ],
  edges: [],
};

describe('layer edits', () => {
  const fields = overridableFields(base);

  it('offers the label, text and number settings and decision conditions of each step, not start or end', () => {
    expect(fields.map((f) => `${f.nodeId}|${f.field}`)).toEqual([
      'big|label',
      'big|config/branches/0/condition',
      'review|label',
      'review|config/title',
      'review|config/queue',
      'review|config/dueIn',
      'review|config/priority',
    ]);
  });

  it('writes only what differs from the base, as merge patches, and keeps what the form does not show', () => {
    const existing = { nodes: { review: { config: { candidateRoles: ['analyst'], queue: 'old' } } } };
    expect(
      currentValue(
        existing,
        fields.find((f) => f.field === 'config/queue')!,
      ),
    ).toBe('old');
    const result = overridesWith(base, existing, fields, {
      'review|config/queue': 'acme-ap',
      'review|config/priority': '1',
      'review|config/dueIn': 'PT24H',
      'big|config/branches/0/condition': 'invoice.grossTotal > 5000',
    });
    expect(result).toEqual({
      nodes: {
        review: { config: { candidateRoles: ['analyst'], queue: 'acme-ap', priority: 1 } },
        big: { config: { branches: [{ id: 'yes', label: 'large', condition: 'invoice.grossTotal > 5000' }] } },
      },
    });
    // back to the base values: no override left
    const back = overridesWith(base, { nodes: { review: { config: { queue: 'acme-ap' } } } }, fields, { 'review|config/queue': 'msp-ap' });
    expect(back).toEqual({ nodes: {} });
  });

  it('adds steps with one way out, and carries them in the layer', () => {
    const hold = addedStep('timer', 'acmeHold', { duration: 'PT2H' });
    expect(hold).toEqual({ id: 'acmeHold', kind: 'timer', config: { duration: 'PT2H' } });
    expect(addedStep('humanTask', 'vat', { queue: 'tax' }).config).toMatchObject({ title: 'vat', queue: 'tax', outcomes: [{ id: 'done', label: 'Done' }] });
    expect(overridesWith(base, { nodes: {} }, fields, {}, [{ edge: 'e4', node: hold }])).toEqual({ nodes: {}, insert: [{ edge: 'e4', node: hold }] });
  });
});
