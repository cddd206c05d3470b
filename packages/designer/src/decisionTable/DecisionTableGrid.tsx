import {
  checkFeelExpression,
  checkFeelUnaryTests,
  decisionTableToDmn,
  dmnToDecisionTable,
  type DecisionTableConfig,
  type DmnImportProblem,
  type FlowNode,
  type HitPolicy,
} from '@exflow/shared';
import { useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { dmnRefusalText, feelErrorText } from '../i18n/designerText.js';
import { useDesignerStore } from '../store/DesignerStoreProvider.js';

const HIT_POLICIES = ['UNIQUE', 'FIRST', 'COLLECT'] as const satisfies readonly HitPolicy[];

const EMPTY: DecisionTableConfig = { hitPolicy: 'FIRST', inputs: [], outputs: [], rules: [] };

/** A FEEL cell: the text, and its syntax error under it (checked on every keystroke). */
function FeelCell({ value, label, unary, readOnly, onChange }: { value: string; label: string; unary: boolean; readOnly: boolean; onChange(v: string): void }) {
  const error = unary ? checkFeelUnaryTests(value) : checkFeelExpression(value);
  const id = useRef(`feel-${Math.random().toString(36).slice(2)}`).current;
  return (
    <div className={`dt-cell${error ? ' is-invalid' : ''}`}>
      <input
        value={value}
        aria-label={label}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? id : undefined}
        readOnly={readOnly}
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
      />
      {error && (
        <span className="dt-cell__error" id={id}>
          {feelErrorText(error, value, unary)}
        </span>
      )}
    </div>
  );
}

/**
 * The decision table step's rules as a grid: rows are rules, columns the inputs (FEEL unary
 * tests) and outputs (FEEL expressions), the hit policy in the header. Rows can be added,
 * removed and moved (also Alt+↑/↓ in a row); DMN 1.3 export and import.
 */
export function DecisionTableGrid({ node, readOnly }: { node: FlowNode; readOnly: boolean }) {
  const store = useDesignerStore();
  const config = { ...EMPTY, ...(node.config as Partial<DecisionTableConfig> | undefined) };
  const [importProblems, setImportProblems] = useState<DmnImportProblem[]>([]);
  const { t } = useTranslation();
  const fileInput = useRef<HTMLInputElement>(null);
  const update = (next: Partial<DecisionTableConfig>) => {
    if (!readOnly) store.getState().updateNodeConfig(node.id, { ...config, ...next });
  };
  const setRules = (rules: DecisionTableConfig['rules']) => update({ rules });
  const setCell = (r: number, side: 'when' | 'then', c: number, value: string) =>
    setRules(config.rules.map((rule, i) => (i === r ? { ...rule, [side]: rule[side].map((v, j) => (j === c ? value : v)) } : rule)));
  const moveRule = (r: number, by: -1 | 1) => {
    const to = r + by;
    if (to < 0 || to >= config.rules.length) return;
    const rules = [...config.rules];
    [rules[r], rules[to]] = [rules[to]!, rules[r]!];
    setRules(rules);
  };
  const inputName = (i: number) => config.inputs[i]?.label || config.inputs[i]?.expression || t('decisionTable.inputName', { n: i + 1 });
  const onRowKey = (r: number) => (e: KeyboardEvent) => {
    if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
      e.preventDefault();
      moveRule(r, e.key === 'ArrowUp' ? -1 : 1);
    }
  };

  const exportDmn = () => {
    const xml = decisionTableToDmn(config, { id: node.id, name: node.label || node.id });
    const url = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${node.id}.dmn`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };
  const importDmn = async (file: File) => {
    const result = dmnToDecisionTable(await file.text());
    if (!result.ok) {
      setImportProblems(result.problems);
      return;
    }
    setImportProblems([]);
    update({ ...result.config, ...(config.resultVar ? { resultVar: config.resultVar } : {}) });
  };

  return (
    <section className="dt-grid" data-testid="decision-grid" aria-label={t('decisionTable.table')}>
      <div className="dt-grid__header">
        <label>
          {t('decisionTable.hitPolicy')}{' '}
          <select value={config.hitPolicy} disabled={readOnly} onChange={(e) => update({ hitPolicy: e.target.value as HitPolicy })} data-testid="dt-hit-policy">
            {HIT_POLICIES.map((p) => (
              <option key={p} value={p}>
                {t(`decisionTable.${p}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('decisionTable.keepResult')}{' '}
          <input
            value={config.resultVar ?? ''}
            placeholder={node.id}
            readOnly={readOnly}
            onChange={(e) => {
              const { resultVar: _old, ...rest } = config;
              store.getState().updateNodeConfig(node.id, e.target.value ? { ...rest, resultVar: e.target.value } : rest);
            }}
          />
        </label>
      </div>
      <div className="dt-grid__scroll">
        <table className="dt-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              {config.inputs.map((input, i) => (
                <th scope="col" key={`in-${i}`} className="dt-col--input">
                  <span className="dt-col__kind">{t('decisionTable.when')}</span>
                  <input
                    aria-label={t('decisionTable.inputLabel', { n: i + 1 })}
                    value={input.label ?? ''}
                    placeholder={t('decisionTable.labelPlaceholder')}
                    readOnly={readOnly}
                    onChange={(e) => update({ inputs: config.inputs.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)) })}
                  />
                  <FeelCell
                    label={t('decisionTable.inputExpression', { n: i + 1 })}
                    value={input.expression}
                    unary={false}
                    readOnly={readOnly}
                    onChange={(v) => update({ inputs: config.inputs.map((x, j) => (j === i ? { ...x, expression: v } : x)) })}
                  />
                  {!readOnly && config.inputs.length > 1 && (
                    <button
                      type="button"
                      className="btn btn--ghost dt-remove"
                      aria-label={t('decisionTable.removeInput', { name: inputName(i) })}
                      onClick={() =>
                        update({
                          inputs: config.inputs.filter((_, j) => j !== i),
                          rules: config.rules.map((r) => ({ ...r, when: r.when.filter((_, j) => j !== i) })),
                        })
                      }
                    >
                      ✕
                    </button>
                  )}
                </th>
              ))}
              {config.outputs.map((output, i) => (
                <th scope="col" key={`out-${i}`} className="dt-col--output">
                  <span className="dt-col__kind">{t('decisionTable.then')}</span>
                  <input
                    aria-label={t('decisionTable.outputName', { n: i + 1 })}
                    value={output.name}
                    readOnly={readOnly}
                    onChange={(e) => update({ outputs: config.outputs.map((x, j) => (j === i ? { name: e.target.value } : x)) })}
                  />
                  {!readOnly && config.outputs.length > 1 && (
                    <button
                      type="button"
                      className="btn btn--ghost dt-remove"
                      aria-label={t('decisionTable.removeOutput', { name: output.name })}
                      onClick={() =>
                        update({
                          outputs: config.outputs.filter((_, j) => j !== i),
                          rules: config.rules.map((r) => ({ ...r, then: r.then.filter((_, j) => j !== i) })),
                        })
                      }
                    >
                      ✕
                    </button>
                  )}
                </th>
              ))}
              <th scope="col">
                <span className="visually-hidden">{t('decisionTable.ruleActions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {config.rules.map((rule, r) => (
              <tr key={r} onKeyDown={onRowKey(r)} data-testid={`dt-rule-${r + 1}`}>
                <th scope="row">{r + 1}</th>
                {config.inputs.map((_, c) => (
                  <td key={`w${c}`}>
                    <FeelCell
                      label={t('decisionTable.cell', { rule: r + 1, column: inputName(c) })}
                      value={rule.when[c] ?? ''}
                      unary
                      readOnly={readOnly}
                      onChange={(v) => setCell(r, 'when', c, v)}
                    />
                  </td>
                ))}
                {config.outputs.map((o, c) => (
                  <td key={`t${c}`}>
                    <FeelCell
                      label={t('decisionTable.cell', { rule: r + 1, column: o.name || t('decisionTable.outputFallback', { n: c + 1 }) })}
                      value={rule.then[c] ?? ''}
                      unary={false}
                      readOnly={readOnly}
                      onChange={(v) => setCell(r, 'then', c, v)}
                    />
                  </td>
                ))}
                <td className="dt-row-actions">
                  {!readOnly && (
                    <>
                      <button
                        type="button"
                        className="btn btn--ghost"
                        aria-label={t('decisionTable.moveUp', { n: r + 1 })}
                        disabled={r === 0}
                        onClick={() => moveRule(r, -1)}
                      >
                        ↑
                      </button>
                      <button
                        type="button"
                        className="btn btn--ghost"
                        aria-label={t('decisionTable.moveDown', { n: r + 1 })}
                        disabled={r === config.rules.length - 1}
                        onClick={() => moveRule(r, 1)}
                      >
                        ↓
                      </button>
                      <button
                        type="button"
                        className="btn btn--ghost"
                        aria-label={t('decisionTable.removeRule', { n: r + 1 })}
                        onClick={() => setRules(config.rules.filter((_, i) => i !== r))}
                      >
                        ✕
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!readOnly && (
        <div className="dt-grid__buttons">
          <button
            type="button"
            className="btn btn--secondary"
            data-testid="dt-add-rule"
            onClick={() => setRules([...config.rules, { when: config.inputs.map(() => '-'), then: config.outputs.map(() => 'null') }])}
          >
            {t('decisionTable.addRule')}
          </button>
          <button
            type="button"
            className="btn btn--ghost"
            onClick={() =>
              update({ inputs: [...config.inputs, { expression: 'invoice.grossTotal' }], rules: config.rules.map((r) => ({ ...r, when: [...r.when, '-'] })) })
            }
          >
            {t('decisionTable.addInput')}
          </button>
          <button
            type="button"
            className="btn btn--ghost"
            onClick={() =>
              update({
                outputs: [...config.outputs, { name: `output${config.outputs.length + 1}` }],
                rules: config.rules.map((r) => ({ ...r, then: [...r.then, 'null'] })),
              })
            }
          >
            {t('decisionTable.addOutput')}
          </button>
        </div>
      )}
      <div className="dt-grid__buttons">
        <button type="button" className="btn btn--secondary" onClick={exportDmn} data-testid="dt-export">
          {t('decisionTable.exportDmn')}
        </button>
        {!readOnly && (
          <>
            <button type="button" className="btn btn--secondary" onClick={() => fileInput.current?.click()} data-testid="dt-import">
              {t('decisionTable.importDmn')}
            </button>
            <input
              ref={fileInput}
              type="file"
              accept=".dmn,.xml,application/xml,text/xml"
              hidden
              aria-label={t('decisionTable.dmnFile')}
              data-testid="dt-import-file"
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) void importDmn(file);
                e.target.value = '';
              }}
            />
          </>
        )}
      </div>
      {importProblems.length > 0 && (
        <ul className="inspector__problems" role="alert">
          {importProblems.map((p, i) => (
            <li key={i}>{t('decisionTable.importRefused', { problem: dmnRefusalText(p) })}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
