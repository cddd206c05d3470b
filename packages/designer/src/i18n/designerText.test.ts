import { validate, type WorkflowDefinition } from '@exflow/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { fourNodeFlow } from '../../test/fixtures.js';
import { problemText, portLabel } from './designerText.js';
import { i18n } from './i18n.js';

const inGerman = () => void i18n.changeLanguage('de');

describe('validation problems in the user’s language', () => {
  afterEach(() => void i18n.changeLanguage('en'));

  it('says an unconnected port and a FEEL error in German, from the values the problem carries', () => {
    const definition: WorkflowDefinition = fourNodeFlow();
    definition.edges = definition.edges.filter((e) => e.target !== 'review');
    inGerman();
    const texts = validate(definition).problems.map((p) => problemText(p, definition));
    expect(texts).toContain('„Large?“ hat keine Verbindung für „large“; verbinden Sie sie');

    const broken = fourNodeFlow();
    (broken.nodes[1]!.config as { branches: { condition: string }[] }).branches[0]!.condition = 'invoice.grossTotal >';
    const feel = validate(broken).problems.find((p) => p.code === 'feel.syntax')!;
    expect(problemText(feel, broken)).toMatch(/^Zweig „large“: FEEL-Syntaxfehler an Position \d+ in „invoice\.grossTotal >“$/);
  });

  it('counts start steps with the zero form, and keeps shared’s English for a problem without values', () => {
    inGerman();
    const none = validate({ schemaVersion: 1, key: 'x', name: 'x', nodes: [], edges: [] }).problems[0]!;
    expect(problemText(none)).toBe('Der Ablauf hat keinen Start-Schritt; fügen Sie einen hinzu');
    expect(problemText({ code: 'server', message: 'As the server said' })).toBe('As the server said');
  });

  it('translates the port labels shared generates, never one the user typed', () => {
    inGerman();
    expect(portLabel('decision', { id: 'default', label: 'otherwise' })).toBe('sonst');
    expect(portLabel('threeWayMatch', { id: 'error', label: 'failed' })).toBe('fehlgeschlagen');
    expect(portLabel('parallel', { id: 'b2', label: 'branch 2' })).toBe('Zweig 2');
    expect(portLabel('humanTask', { id: 'timeout', label: 'past SLA' })).toBe('SLA überschritten');
    expect(portLabel('decision', { id: 'default', label: 'no match' })).toBe('no match');
  });
});
