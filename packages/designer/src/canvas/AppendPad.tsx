import { getNodeKind } from '@exflow/shared';
import { NodeToolbar, Position } from '@xyflow/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { kindLabel } from '../i18n/i18n.js';
import { effectivePort } from '../store/definitionOps.js';
import { selectDefinition } from '../store/flowSlice.js';
import { selectSingleNode } from '../store/selectionSlice.js';
import { useDesigner, useDesignerStore } from '../store/DesignerStoreProvider.js';
import { KindIcon } from './KindIcon.js';

/** The next steps a process owner most often adds, offered beside the selected step (bpmn-js's pad). */
const QUICK_KINDS = ['humanTask', 'decision', 'threeWayMatch', 'timer', 'end'] as const;

/** One-click append: adds the next step already placed and connected to a free output of the selected one. */
export function AppendPad({ disabled }: { disabled: boolean }) {
  const node = useDesigner(selectSingleNode);
  const definition = useDesigner(selectDefinition);
  const store = useDesignerStore();
  const [portChoice, setPortChoice] = useState<string | undefined>();
  const { t } = useTranslation();
  if (!node || disabled) return null;
  const ports = getNodeKind(node.kind)?.outputs(node.config ?? {}) ?? [];
  const used = new Set(definition.edges.filter((e) => e.source === node.id).map((e) => effectivePort(definition, e)));
  const free = ports.filter((p) => !used.has(p.id));
  if (free.length === 0) return null;
  const port = free.find((p) => p.id === portChoice) ?? free[0];
  return (
    <NodeToolbar
      nodeId={node.id}
      isVisible
      position={Position.Right}
      offset={14}
      className="append-pad"
      data-testid="append-pad"
      aria-label={t('canvas.appendPad')}
    >
      {free.length > 1 && (
        <select
          className="append-pad__port"
          value={port.id}
          onChange={(e) => setPortChoice(e.target.value)}
          title={t('canvas.outputToContinue')}
          aria-label={t('canvas.outputToContinue')}
        >
          {free.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      )}
      {QUICK_KINDS.map((kind) => {
        const declared = getNodeKind(kind);
        if (!declared) return null;
        const name = kindLabel(kind, declared.label);
        return (
          <button
            key={kind}
            type="button"
            className="append-pad__button"
            title={t('canvas.appendAfter', { kind: name, port: port.label })}
            data-kind={kind}
            onClick={() => store.getState().appendNode(node.id, port.id, kind)}
          >
            <KindIcon glyph={declared.icon} />
            <span className="append-pad__name">{name}</span>
          </button>
        );
      })}
    </NodeToolbar>
  );
}
