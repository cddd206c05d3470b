import { describe, expect, it } from 'vitest';
import { decisionTableToDmn, dmnToDecisionTable, DMN13_NAMESPACE, type DecisionTableConfig } from '../src/index.js';

const table: DecisionTableConfig = {
  hitPolicy: 'UNIQUE',
  inputs: [
    { label: 'Price variance %', expression: 'match.maxPriceVariancePct' },
    { label: 'Supplier & country', expression: 'invoice.supplier.country' },
  ],
  outputs: [{ name: 'queue' }, { name: 'priority' }],
  rules: [
    { when: ['< 2', '-'], then: ['"auto"', '3'] },
    { when: ['[2..10]', '"DE","AT"'], then: ['"procurement & co"', '2'] },
    { when: ['> 10', '-'], then: ['"controller"', '1'] },
  ],
};

describe('DMN 1.3 decision tables', () => {
  it('round-trips a decision table config through DMN XML', () => {
    const xml = decisionTableToDmn(table, { id: 'route by variance', name: 'Route by variance' });
    expect(xml).toContain(`<definitions xmlns="${DMN13_NAMESPACE}"`);
    expect(xml).toContain('<decisionTable id="route_by_variance_table" hitPolicy="UNIQUE">');
    expect(xml).toContain('<inputEntry id="route_by_variance_rule_1_in_1"><text>&lt; 2</text></inputEntry>');
    expect(xml).toContain('<outputEntry id="route_by_variance_rule_2_out_1"><text>&quot;procurement &amp; co&quot;</text></outputEntry>');
    expect(dmnToDecisionTable(xml)).toEqual({ ok: true, config: table, name: 'Route by variance' });
  });

  it('reads a table written by another modeler (prefixed namespace, no hit policy = UNIQUE, empty entry = any)', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<dmn:definitions xmlns:dmn="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="D" namespace="x">
  <dmn:decision id="approver" name="Approver">
    <dmn:decisionTable id="t">
      <dmn:input id="i1" label="Amount"><dmn:inputExpression id="e1" typeRef="number"><dmn:text>invoice.grossTotal</dmn:text></dmn:inputExpression></dmn:input>
      <dmn:output id="o1" name="role" typeRef="string"/>
      <dmn:rule id="r1"><dmn:inputEntry id="a"><dmn:text>&gt;= 10000</dmn:text></dmn:inputEntry><dmn:outputEntry id="b"><dmn:text>"controller"</dmn:text></dmn:outputEntry></dmn:rule>
      <dmn:rule id="r2"><dmn:inputEntry id="c"><dmn:text></dmn:text></dmn:inputEntry><dmn:outputEntry id="d"><dmn:text>"approver"</dmn:text></dmn:outputEntry></dmn:rule>
    </dmn:decisionTable>
  </dmn:decision>
</dmn:definitions>`;
    expect(dmnToDecisionTable(xml)).toEqual({
      ok: true,
      name: 'Approver',
      config: {
        hitPolicy: 'UNIQUE',
        inputs: [{ label: 'Amount', expression: 'invoice.grossTotal' }],
        outputs: [{ name: 'role' }],
        rules: [
          { when: ['>= 10000'], then: ['"controller"'] },
          { when: ['-'], then: ['"approver"'] },
        ],
      },
    });
  });

  it('refuses what the subset does not cover, saying why', () => {
    const withPolicy = (attrs: string) => decisionTableToDmn(table, { id: 't' }).replace('hitPolicy="UNIQUE"', attrs);
    expect(dmnToDecisionTable(withPolicy('hitPolicy="PRIORITY"'))).toEqual({
      ok: false,
      problems: [
        {
          code: 'dmn.hitPolicy',
          message: 'Hit policy PRIORITY is not supported; use UNIQUE, FIRST, COLLECT',
          params: { hitPolicy: 'PRIORITY', supported: 'UNIQUE, FIRST, COLLECT' },
        },
      ],
    });
    expect(dmnToDecisionTable(withPolicy('hitPolicy="COLLECT" aggregation="SUM"'))).toMatchObject({
      ok: false,
      problems: [{ code: 'dmn.aggregation', message: expect.stringMatching(/aggregation/) }],
    });
    expect(dmnToDecisionTable('<definitions><decision id="a"/><decision id="b"/></definitions>')).toMatchObject({
      ok: false,
      problems: [{ code: 'dmn.decisions', message: expect.stringMatching(/exactly one decision/), params: { decisions: 2, tables: 0 } }],
    });
    expect(dmnToDecisionTable('<!DOCTYPE x [<!ENTITY a "b">]><definitions/>')).toMatchObject({
      ok: false,
      problems: [{ code: 'xml.doctype', message: expect.stringMatching(/DOCTYPE/) }],
    });
    expect(dmnToDecisionTable('<definitions><decision')).toMatchObject({ ok: false });
    const short = decisionTableToDmn(table, { id: 't' }).replace(/<inputEntry id="t_rule_1_in_2">.*?<\/inputEntry>/, '');
    expect(dmnToDecisionTable(short)).toEqual({
      ok: false,
      problems: [
        {
          code: 'dmn.ruleEntries',
          message: 'Rule 1 has 1 input and 2 output entries; the table has 2 inputs and 2 outputs',
          params: { rule: 1, inputEntries: 1, outputEntries: 2, inputs: 2, outputs: 2 },
        },
      ],
    });
  });
});
