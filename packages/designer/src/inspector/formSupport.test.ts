import { getNodeKind } from '@exflow/shared';
import { describe, expect, it } from 'vitest';
import { errorSchemaFor, groupsFor, uiSchemaFor } from './formSupport.js';

describe('inspector form support', () => {
  it('edits schema-less objects as JSON and consts read-only, from the schema alone', () => {
    const ui = uiSchemaFor(getNodeKind('humanTask')!.configSchema);
    expect(ui.form).toEqual({ 'ui:field': 'json' });
    expect(ui.instructions).toEqual({ 'ui:widget': 'textarea' });
    expect(uiSchemaFor(getNodeKind('threeWayMatch')!.configSchema).service).toEqual({ 'ui:readonly': true });
  });

  it('puts field problems on their field', () => {
    const errors = errorSchemaFor([
      { code: 'duration.invalid', message: 'Due in "X" is not an ISO 8601 duration', nodeId: 'n', path: '/config/dueIn' },
      { code: 'node.config', message: 'Review "n": /config/outcomes/0/id must match pattern', nodeId: 'n', path: '/config/outcomes/0/id' },
      { code: 'feel.syntax', message: 'x', nodeId: 'n', path: '/config/branches/0/condition' },
    ]);
    expect(errors).toEqual({
      dueIn: { __errors: ['Due in "X" is not an ISO 8601 duration'] },
      outcomes: { 0: { id: { __errors: ['/config/outcomes/0/id must match pattern'] } } },
    });
  });

  it('groups a human task by assignment and SLA first', () => {
    expect(
      groupsFor('humanTask', getNodeKind('humanTask')!.configSchema)
        .map((g) => g.label)
        .slice(0, 2),
    ).toEqual(['Assignment', 'SLA']);
    expect(groupsFor('decision', getNodeKind('decision')!.configSchema).map((g) => g.label)).toEqual(['Branches (checked in order)']);
  });
});

describe('uiSchemaFor and x-widget', () => {
  it("edits a field the way its kind's schema hints: a widget for a value, a field for a list", () => {
    const ui = uiSchemaFor({
      type: 'object',
      properties: {
        queue: { type: 'string', 'x-widget': 'queue' },
        dueIn: { type: 'string', 'x-widget': 'duration' },
        candidateRoles: { type: 'array', items: { type: 'string' }, 'x-widget': 'roles' },
      },
    });
    expect(ui).toMatchObject({ queue: { 'ui:widget': 'queue' }, dueIn: { 'ui:widget': 'duration' }, candidateRoles: { 'ui:field': 'roles' } });
  });
});
