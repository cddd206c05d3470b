import { dmnToDecisionTable, planCaseMigration, validate, type WorkflowDefinition } from '@exflow/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { fourNodeFlow } from '../../test/fixtures.js';
import { dmnRefusalText, migrationBlockText, problemText, portLabel } from './designerText.js';
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

describe('refusals from shared in the user’s language', () => {
  afterEach(() => void i18n.changeLanguage('en'));

  it('says why a DMN file is not imported in German, and in English as shared does', () => {
    const refused = dmnToDecisionTable('<definitions><decision id="a"/><decision id="b"/></definitions>');
    const outputless = dmnToDecisionTable(
      '<definitions><decision id="d"><decisionTable><input><inputExpression><text>x</text></inputExpression></input><output/></decisionTable></decision></definitions>',
    );
    if (refused.ok || outputless.ok) throw new Error('expected refusals');
    expect(refused.problems.map(dmnRefusalText)).toEqual(['Import needs exactly one decision with one decisionTable; the file has 2 decision(s), 0 table(s)']);
    inGerman();
    expect(refused.problems.map(dmnRefusalText)).toEqual([
      'Der Import braucht genau eine Entscheidung mit einer decisionTable; die Datei hat 2 Entscheidung(en), 0 Tabelle(n)',
    ]);
    expect(outputless.problems.map(dmnRefusalText)).toEqual(['Ausgabe 1 hat keinen Namen']);
    const doctype = dmnToDecisionTable('<!DOCTYPE x><definitions/>');
    expect(!doctype.ok && doctype.problems.map(dmnRefusalText)).toEqual([
      'Die Datei enthält eine DOCTYPE- oder ENTITY-Deklaration (ein DMN-Dokument braucht nie eine)',
    ]);
  });

  it('says why a case cannot move in German, naming the step, its target and their kinds', () => {
    // review waits for a person in v1; v2 calls it approve
    const from = fourNodeFlow();
    from.nodes = from.nodes.map((n) => (n.id === 'review' ? { ...n, kind: 'humanTask' } : n));
    const to = structuredClone(from);
    to.nodes = to.nodes.map((n) => (n.id === 'review' ? { ...n, id: 'approve' } : n));
    const waiting = { status: 'open', value: 'review', pendingEffects: [] } as unknown as Parameters<typeof planCaseMigration>[3];
    const unmapped = planCaseMigration(from, to, {}, waiting);
    const notOpen = planCaseMigration(from, to, {}, { ...waiting, status: 'incident' });
    const kindChanged = planCaseMigration(from, to, { review: 'big' }, waiting);
    if (unmapped.ok || notOpen.ok || kindChanged.ok) throw new Error('expected blocks');
    expect(unmapped.blocks.map(migrationBlockText)).toEqual(['The case waits at “review”, which has no step mapped to it in the target version']);
    inGerman();
    expect(unmapped.blocks.map(migrationBlockText)).toEqual(['Der Fall wartet bei „review“, dem in der Zielversion kein Schritt zugeordnet ist']);
    expect(notOpen.blocks.map(migrationBlockText)).toEqual([
      'Der Fall ist gestört; nur offene Fälle werden verschoben (erst die Störung wiederholen oder lösen)',
    ]);
    expect(kindChanged.blocks.map(migrationBlockText)).toEqual([
      'Die offene Aufgabe von „review“ hat keinen Aufgabenschritt als Ziel: „big“ ist ein Schritt der Art Entscheidung',
    ]);
    // a block without values (an older server) keeps the server's words
    expect(migrationBlockText({ code: 'node.kind-changed', nodeId: 'x', message: 'As the server said' })).toBe('As the server said');
  });
});
