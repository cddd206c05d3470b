import { attributeOf, childrenOf, parseXmlSafely, textOf, type XmlElement } from '../invoice/safeXml.js';
import type { DecisionTableConfig, HitPolicy } from '../nodes/decisionTable.js';

/** The DMN 1.3 model namespace. */
export const DMN13_NAMESPACE = 'https://www.omg.org/spec/DMN/20191111/MODEL/';

const HIT_POLICIES: readonly HitPolicy[] = ['UNIQUE', 'FIRST', 'COLLECT'];
/** The largest DMN document read. */
const DMN_MAX_BYTES = 1024 * 1024;

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const xmlId = (text: string) => text.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^(?![A-Za-z_])/, '_');

/**
 * A decision table node's config as a DMN 1.3 document: one decision holding one decisionTable,
 * inputs with their inputExpression, outputs, rules with inputEntry/outputEntry text (FEEL).
 * `dmnToDecisionTable` reads it back to the same config.
 * @example decisionTableToDmn(node.config as DecisionTableConfig, { id: node.id, name: node.label })
 */
export function decisionTableToDmn(config: DecisionTableConfig, decision: { id: string; name?: string }): string {
  const id = xmlId(decision.id);
  const name = decision.name ?? decision.id;
  const text = (value: string) => `<text>${escape(value)}</text>`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<definitions xmlns="${DMN13_NAMESPACE}" id="${id}_definitions" name="${escape(name)}" namespace="https://exflow.dev/dmn">`,
    `  <decision id="${id}" name="${escape(name)}">`,
    `    <decisionTable id="${id}_table" hitPolicy="${config.hitPolicy}">`,
    ...config.inputs.map(
      (input, i) =>
        `      <input id="${id}_input_${i + 1}"${input.label !== undefined ? ` label="${escape(input.label)}"` : ''}>\n` +
        `        <inputExpression id="${id}_inputExpression_${i + 1}">${text(input.expression)}</inputExpression>\n` +
        '      </input>',
    ),
    ...config.outputs.map((output, i) => `      <output id="${id}_output_${i + 1}" name="${escape(output.name)}" />`),
    ...config.rules.flatMap((rule, r) => [
      `      <rule id="${id}_rule_${r + 1}">`,
      ...rule.when.map((entry, i) => `        <inputEntry id="${id}_rule_${r + 1}_in_${i + 1}">${text(entry)}</inputEntry>`),
      ...rule.then.map((entry, i) => `        <outputEntry id="${id}_rule_${r + 1}_out_${i + 1}">${text(entry)}</outputEntry>`),
      '      </rule>',
    ]),
    '    </decisionTable>',
    '  </decision>',
    '</definitions>',
    '',
  ];
  return lines.join('\n');
}

/**
 * Why a DMN document is refused: `code` and `params` (language-free, for a translated text),
 * `message` in English. The XML reader's refusals keep its codes (`xml.malformed`, `xml.tooLarge`,
 * `xml.doctype`).
 */
export interface DmnImportProblem {
  code:
    | 'xml.malformed'
    | 'xml.tooLarge'
    | 'xml.doctype'
    | 'dmn.root'
    | 'dmn.decisions'
    | 'dmn.hitPolicy'
    | 'dmn.aggregation'
    | 'dmn.inputExpression'
    | 'dmn.outputName'
    | 'dmn.noInput'
    | 'dmn.noOutput'
    | 'dmn.ruleEntries';
  message: string;
  params: Record<string, string | number>;
}

export type DmnImportResult = { ok: true; config: DecisionTableConfig; name?: string } | { ok: false; problems: DmnImportProblem[] };

const refusal = (code: DmnImportProblem['code'], message: string, params: DmnImportProblem['params'] = {}): DmnImportProblem => ({ code, message, params });

/**
 * Reads the decision-table subset of DMN 1.3 (also 1.1/1.2, which share the element names):
 * exactly one decision with one decisionTable, hit policy UNIQUE, FIRST or COLLECT (without
 * aggregation). Refuses DOCTYPE/ENTITY declarations (parsed with shared's safe XML reader).
 * `resultVar` is not part of DMN: keep the node's own.
 */
export function dmnToDecisionTable(xml: string): DmnImportResult {
  const parsed = parseXmlSafely(xml, DMN_MAX_BYTES);
  if (!parsed.ok) {
    // the reader speaks of UBL invoices: say the same in DMN's terms
    const problems = parsed.problems.map((p) =>
      p.code === 'xml.tooLarge'
        ? refusal('xml.tooLarge', `The document is larger than ${DMN_MAX_BYTES} bytes`, { maxBytes: DMN_MAX_BYTES })
        : p.code === 'xml.doctype'
          ? refusal('xml.doctype', 'The document contains a DOCTYPE or ENTITY declaration (a DMN document never needs one); it is refused')
          : refusal('xml.malformed', p.message),
    );
    return { ok: false, problems };
  }
  if (parsed.rootName.replace(/^.*:/, '') !== 'definitions') {
    return { ok: false, problems: [refusal('dmn.root', 'A DMN document has <definitions> as its root element', { root: parsed.rootName })] };
  }
  const decisions = childrenOf(parsed.root, 'decision');
  const tables = decisions.flatMap((d) => childrenOf(d, 'decisionTable'));
  if (decisions.length !== 1 || tables.length !== 1) {
    return {
      ok: false,
      problems: [
        refusal(
          'dmn.decisions',
          `Import needs exactly one decision with one decisionTable; the document has ${decisions.length} decision(s), ${tables.length} table(s)`,
          { decisions: decisions.length, tables: tables.length },
        ),
      ],
    };
  }
  const table = tables[0]!;
  const problems: DmnImportProblem[] = [];
  const hitPolicy = (attributeOf(table, 'hitPolicy') ?? 'UNIQUE') as HitPolicy;
  if (!HIT_POLICIES.includes(hitPolicy))
    problems.push(
      refusal('dmn.hitPolicy', `Hit policy ${hitPolicy} is not supported; use ${HIT_POLICIES.join(', ')}`, { hitPolicy, supported: HIT_POLICIES.join(', ') }),
    );
  if (attributeOf(table, 'aggregation')) problems.push(refusal('dmn.aggregation', 'COLLECT with an aggregation (SUM, COUNT, MIN, MAX) is not supported'));
  const inputs = childrenOf(table, 'input').map((input, i) => {
    const expression = textOf(childrenOf(childrenOf(input, 'inputExpression')[0] ?? {}, 'text')[0]);
    if (!expression) problems.push(refusal('dmn.inputExpression', `Input ${i + 1} has no inputExpression text`, { n: i + 1 }));
    const label = attributeOf(input, 'label');
    return { ...(label !== undefined ? { label } : {}), expression: expression ?? '' };
  });
  const outputs = childrenOf(table, 'output').map((output, i) => {
    const name = attributeOf(output, 'name');
    if (!name) problems.push(refusal('dmn.outputName', `Output ${i + 1} has no name`, { n: i + 1 }));
    return { name: name ?? '' };
  });
  if (!inputs.length) problems.push(refusal('dmn.noInput', 'The table has no input'));
  if (!outputs.length) problems.push(refusal('dmn.noOutput', 'The table has no output'));
  const entry = (element: XmlElement) => textOf(childrenOf(element, 'text')[0]);
  const rules = childrenOf(table, 'rule').map((rule, r) => {
    const when = childrenOf(rule, 'inputEntry').map((e) => entry(e) ?? '-');
    const then = childrenOf(rule, 'outputEntry').map((e) => entry(e) ?? 'null');
    if (when.length !== inputs.length || then.length !== outputs.length) {
      problems.push(
        refusal(
          'dmn.ruleEntries',
          `Rule ${r + 1} has ${when.length} input and ${then.length} output entries; the table has ${inputs.length} inputs and ${outputs.length} outputs`,
          { rule: r + 1, inputEntries: when.length, outputEntries: then.length, inputs: inputs.length, outputs: outputs.length },
        ),
      );
    }
    return { when, then };
  });
  if (problems.length) return { ok: false, problems };
  const name = attributeOf(decisions[0], 'name');
  return { ok: true, config: { hitPolicy, inputs, outputs, rules }, ...(name ? { name } : {}) };
}
