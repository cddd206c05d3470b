import { getNodeKind, type FlowEdge, type FlowNode } from '@exflow/shared';
import { useMemo } from 'react';
import { effectivePort } from '../store/definitionOps.js';
import { selectDefinition, selectProblems } from '../store/flowSlice.js';
import { selectSelectionSize, selectSingleEdge, selectSingleNode } from '../store/selectionSlice.js';
import { selectComparison } from '../store/viewSlice.js';
import { useDesigner, useDesignerStore } from '../store/DesignerStoreProvider.js';
import { KindIcon } from '../canvas/KindIcon.js';
import { DecisionTableGrid } from '../decisionTable/DecisionTableGrid.js';
import { NodeConfigForm } from './NodeConfigForm.js';
import { useTranslation } from 'react-i18next';
import { kindDescription, kindLabel } from '../i18n/i18n.js';

/** The right-hand inspector: the selected step, connection, several steps, or the flow itself. */
export function Inspector() {
  const node = useDesigner(selectSingleNode);
  const edge = useDesigner(selectSingleEdge);
  const count = useDesigner(selectSelectionSize);
  const comparison = useDesigner(selectComparison);
  const readOnly = comparison !== null;
  if (node) return <NodeInspector node={node} readOnly={readOnly} />;
  if (edge) return <EdgeInspector edge={edge} readOnly={readOnly} />;
  if (count > 1) return <MultiInspector count={count} readOnly={readOnly} />;
  return <FlowInspector readOnly={readOnly} />;
}

function ProblemList({ id, kind }: { id: string; kind: 'node' | 'edge' }) {
  const all = useDesigner(selectProblems);
  const problems = useMemo(() => all.filter((p) => (kind === 'node' ? p.nodeId === id && !p.edgeId : p.edgeId === id)), [all, id, kind]);
  const { t } = useTranslation();
  if (!problems.length) return null;
  return (
    <ul className="inspector__problems" aria-label={t('inspectorChrome.problems')}>
      {problems.map((p, i) => (
        <li key={i}>{p.message}</li>
      ))}
    </ul>
  );
}

function NodeInspector({ node, readOnly }: { node: FlowNode; readOnly: boolean }) {
  const store = useDesignerStore();
  const { t } = useTranslation();
  const problems = useDesigner(selectProblems);
  const nodeProblems = useMemo(() => problems.filter((p) => p.nodeId === node.id), [problems, node.id]);
  const kind = getNodeKind(node.kind);
  return (
    <div className="inspector" data-testid="inspector" data-node-id={node.id}>
      <header className={`inspector__head inspector__head--${kind?.group ?? 'unknown'}`}>
        <span className="inspector__icon" aria-hidden>
          <KindIcon glyph={kind?.icon ?? '?'} size={16} />
        </span>
        <div>
          <div className="inspector__kind">{kind ? kindLabel(node.kind, kind.label) : node.kind}</div>
          <div className="inspector__desc">{kind && kindDescription(node.kind, kind.description)}</div>
        </div>
      </header>
      <label className="inspector__field">
        <span>{t('inspectorChrome.nameOnCanvas')}</span>
        <input
          value={node.label ?? ''}
          placeholder={kind && kindLabel(node.kind, kind.label)}
          disabled={readOnly}
          onChange={(e) => store.getState().updateNodeLabel(node.id, e.target.value)}
          data-testid="node-label"
        />
      </label>
      <div className="inspector__meta">
        id <code>{node.id}</code>
      </div>
      <ProblemList id={node.id} kind="node" />
      {node.kind === 'decisionTable' ? (
        <DecisionTableGrid node={node} readOnly={readOnly} />
      ) : (
        <NodeConfigForm node={node} problems={nodeProblems} readOnly={readOnly} />
      )}
      {!readOnly && (
        <footer className="inspector__actions">
          <button type="button" className="btn btn--ghost" onClick={() => store.getState().duplicateSelection()}>
            {t('inspectorChrome.duplicate')}
          </button>
          <button type="button" className="btn btn--danger-ghost" onClick={() => store.getState().deleteElements({ nodeIds: [node.id] })}>
            {t('inspectorChrome.deleteStep')}
          </button>
        </footer>
      )}
    </div>
  );
}

function EdgeInspector({ edge, readOnly }: { edge: FlowEdge; readOnly: boolean }) {
  const store = useDesignerStore();
  const { t } = useTranslation();
  const definition = useDesigner(selectDefinition);
  const source = definition.nodes.find((n) => n.id === edge.source);
  const target = definition.nodes.find((n) => n.id === edge.target);
  const portId = effectivePort(definition, edge);
  const port = source
    ? getNodeKind(source.kind)
        ?.outputs(source.config ?? {})
        .find((p) => p.id === portId)
    : undefined;
  return (
    <div className="inspector" data-testid="inspector" data-edge-id={edge.id}>
      <header className="inspector__head">
        <span className="inspector__icon" aria-hidden>
          →
        </span>
        <div>
          <div className="inspector__kind">{t('inspectorChrome.connection')}</div>
          <div className="inspector__desc">
            {t('inspectorChrome.connectionFromTo', {
              source: source?.label ?? edge.source,
              port: port?.label ?? edge.sourcePort ?? t('inspectorChrome.unknownOutput'),
              target: target?.label ?? edge.target,
            })}
          </div>
        </div>
      </header>
      <label className="inspector__field">
        <span>{t('inspectorChrome.labelOnCanvas')}</span>
        <input
          value={edge.label ?? ''}
          placeholder={port?.label ?? ''}
          disabled={readOnly}
          onChange={(e) => store.getState().updateEdgeLabel(edge.id, e.target.value)}
        />
      </label>
      <ProblemList id={edge.id} kind="edge" />
      {!readOnly && (
        <footer className="inspector__actions">
          <button type="button" className="btn btn--danger-ghost" onClick={() => store.getState().deleteElements({ edgeIds: [edge.id] })}>
            {t('inspectorChrome.deleteConnection')}
          </button>
        </footer>
      )}
    </div>
  );
}

function MultiInspector({ count, readOnly }: { count: number; readOnly: boolean }) {
  const store = useDesignerStore();
  const { t } = useTranslation();
  return (
    <div className="inspector" data-testid="inspector">
      <header className="inspector__head">
        <span className="inspector__icon" aria-hidden>
          <KindIcon glyph="⧉" size={16} />
        </span>
        <div>
          <div className="inspector__kind">{t('inspectorChrome.selected', { count })}</div>
          <div className="inspector__desc">{t('inspectorChrome.selectedHelp')}</div>
        </div>
      </header>
      {!readOnly && (
        <footer className="inspector__actions">
          <button type="button" className="btn btn--ghost" onClick={() => store.getState().copySelection()}>
            {t('inspectorChrome.copy')}
          </button>
          <button type="button" className="btn btn--ghost" onClick={() => store.getState().duplicateSelection()}>
            {t('inspectorChrome.duplicate')}
          </button>
          <button type="button" className="btn btn--danger-ghost" onClick={() => store.getState().deleteSelection()}>
            {t('inspectorChrome.delete')}
          </button>
        </footer>
      )}
    </div>
  );
}

function FlowInspector({ readOnly }: { readOnly: boolean }) {
  const store = useDesignerStore();
  const { t } = useTranslation();
  const definition = useDesigner(selectDefinition);
  return (
    <div className="inspector" data-testid="inspector">
      <header className="inspector__head">
        <span className="inspector__icon" aria-hidden>
          ⌘
        </span>
        <div>
          <div className="inspector__kind">{t('inspectorChrome.flow')}</div>
          <div className="inspector__desc">{t('inspectorChrome.flowHelp')}</div>
        </div>
      </header>
      <label className="inspector__field">
        <span>{t('inspectorChrome.name')}</span>
        <input value={definition.name} disabled={readOnly} onChange={(e) => e.target.value && store.getState().updateFlowMeta({ name: e.target.value })} />
      </label>
      <label className="inspector__field">
        <span>{t('inspectorChrome.description')}</span>
        <textarea
          rows={4}
          value={definition.description ?? ''}
          disabled={readOnly}
          onChange={(e) => store.getState().updateFlowMeta({ description: e.target.value })}
        />
      </label>
      <div className="inspector__meta">
        {t('inspectorChrome.flowMeta', { key: definition.key, steps: definition.nodes.length, connections: definition.edges.length })}
      </div>
    </div>
  );
}
