import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dateTime } from '../workspace/format.js';
import { describeApiError, type DefinitionRecord, type DefinitionSummary, type TemplateLayerSummary, type VersionSummary } from '../api/client.js';
import { useApi } from '../api/ApiProvider.js';
import { downloadJson, downloadText } from '../versions/download.js';
import { duplicateDefinition } from './flowFactory.js';
import { ImportDialog } from './ImportDialog.js';
import { LayerDiff } from './LayerDiff.js';
import { NewFlowDialog } from './NewFlowDialog.js';

/** Every flow of the tenant: its draft, its published versions, and what can be done with them. */
export function FlowListPage({ onOpen }: { onOpen(id: string): void }) {
  const { api } = useApi();
  const { t } = useTranslation();
  const [flows, setFlows] = useState<DefinitionSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'new' | 'import' | null>(null);
  const [expanded, setExpanded] = useState<Record<string, VersionSummary[] | 'loading'>>({});
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [layers, setLayers] = useState<Record<string, TemplateLayerSummary>>({});
  const [showLayer, setShowLayer] = useState<Record<string, boolean>>({});
  const bpmnInput = useRef<HTMLInputElement>(null);

  const refresh = useCallback(async () => {
    try {
      setFlows(await api.listDefinitions());
      setError(null);
      // flows that stand on the MSP's base (none for a tenant without layers)
      setLayers(Object.fromEntries((await api.listTemplateLayers().catch(() => [])).map((l) => [l.key, l])));
    } catch (e) {
      setError(describeApiError(e));
    }
  }, [api]);
  useEffect(() => void refresh(), [refresh]);
  const takenKeys = useMemo(() => new Set((flows ?? []).map((f) => f.key)), [flows]);

  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      await refresh();
    } catch (e) {
      setError(describeApiError(e));
    }
  };
  const duplicate = (flow: DefinitionSummary) =>
    act(async () => {
      const { draft } = await api.getDefinition(flow.id);
      await api.createDefinition(duplicateDefinition(draft, takenKeys));
    });
  const exportDraft = (flow: DefinitionSummary) => act(async () => downloadJson(`${flow.key}.workflow.json`, (await api.getDefinition(flow.id)).draft));
  const exportVersion = (flow: DefinitionSummary, version: number) =>
    act(async () => downloadJson(`${flow.key}.v${version}.workflow.json`, (await api.getVersion(flow.id, version)).definition));
  const exportBpmn = (flow: DefinitionSummary, version: number) =>
    act(async () => downloadText(`${flow.key}.v${version}.bpmn`, await api.exportBpmn(flow.id, version), 'application/xml'));
  const named = (u: { id: string; name?: string }) => {
    const name = u.name?.replace(/\s+/g, ' ').trim();
    return name && name !== u.id ? `"${name}" (${u.id})` : u.id;
  };
  const importBpmn = (file: File) =>
    act(async () => {
      const { definition, unsupported } = await api.importBpmn(await file.text());
      const left = unsupported.filter((u) => u.handling !== 'ignored');
      setNotice(
        t('flowList.imported', { name: definition.name, key: definition.key }) +
          (left.length ? t('flowList.notCarried', { items: left.map((u) => `${named(u)}: ${u.handling}`).join('; ') }) : ''),
      );
    });
  const remove = (flow: DefinitionSummary) => act(() => api.deleteDefinition(flow.id));
  const toggleVersions = async (flow: DefinitionSummary) => {
    if (expanded[flow.id]) return setExpanded(({ [flow.id]: _, ...rest }) => rest);
    setExpanded((e) => ({ ...e, [flow.id]: 'loading' }));
    try {
      const list = await api.listVersions(flow.id);
      setExpanded((e) => ({ ...e, [flow.id]: list }));
    } catch (err) {
      setError(describeApiError(err));
    }
  };
  const opened = (record: DefinitionRecord) => {
    setDialog(null);
    onOpen(record.id);
  };

  return (
    <div className="flow-list">
      <div className="flow-list__head">
        <div>
          <h1>{t('flowList.title')}</h1>
          <p>{t('flowList.lead')}</p>
        </div>
        <div className="flow-list__actions">
          <input
            ref={bpmnInput}
            type="file"
            accept=".bpmn,.xml,application/xml"
            hidden
            data-testid="import-bpmn-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void importBpmn(file);
            }}
          />
          <button type="button" className="btn btn--secondary" onClick={() => bpmnInput.current?.click()} data-testid="import-bpmn">
            {t('flowList.importBpmn')}
          </button>
          <button type="button" className="btn btn--secondary" onClick={() => setDialog('import')} data-testid="import-open">
            {t('flowList.import')}
          </button>
          <button type="button" className="btn btn--primary" onClick={() => setDialog('new')} data-testid="new-flow">
            {t('flowList.newFlow')}
          </button>
        </div>
      </div>
      {error && (
        <div className="banner banner--error" role="alert">
          {error}
        </div>
      )}
      {notice && (
        <div className="banner banner--warn" role="status" data-testid="import-bpmn-notice">
          {notice}
        </div>
      )}
      {flows === null ? (
        <p className="panel-intro">{t('common.loading')}</p>
      ) : flows.length === 0 ? (
        <div className="empty-state">
          <strong>{t('flowList.noFlows')}</strong>
          <span>{t('flowList.noFlowsHelp')}</span>
        </div>
      ) : (
        <table className="flow-table" data-testid="flow-table">
          <thead>
            <tr>
              <th>{t('flowList.name')}</th>
              <th>{t('flowList.status')}</th>
              <th>{t('flowList.draftEdited')}</th>
              <th aria-label={t('flowList.actions')} />
            </tr>
          </thead>
          <tbody>
            {flows.map((flow) => {
              const versions = expanded[flow.id];
              return [
                <tr key={flow.id} data-flow-key={flow.key}>
                  <td>
                    <button type="button" className="link" onClick={() => onOpen(flow.id)}>
                      {flow.name}
                    </button>
                    <div className="flow-table__key">{flow.key}</div>
                  </td>
                  <td>
                    {flow.latestVersion ? (
                      <button
                        type="button"
                        className="chip chip--published chip--button"
                        onClick={() => void toggleVersions(flow)}
                        title={t('flowList.showVersions')}
                      >
                        {t('flowList.published', { version: flow.latestVersion })} {versions ? '▴' : '▾'}
                      </button>
                    ) : (
                      <span className="chip chip--new">{t('flowList.draftOnly')}</span>
                    )}
                    {layers[flow.key] && (
                      <button
                        type="button"
                        className="chip chip--button"
                        title={t('flowList.layerTitle')}
                        data-testid={`layer-${flow.key}`}
                        onClick={() => setShowLayer((s) => ({ ...s, [flow.id]: !s[flow.id] }))}
                      >
                        {t('flowList.mspBase', { version: layers[flow.key]!.baseVersion })}
                        {layers[flow.key]!.report.some((r) => r.status === 'conflict') ? ' ⚠' : ''}
                      </button>
                    )}
                  </td>
                  <td className="flow-table__muted">{dateTime(flow.draftUpdatedAt)}</td>
                  <td className="flow-table__actions">
                    <button type="button" className="btn btn--ghost btn--small" onClick={() => onOpen(flow.id)}>
                      {t('flowList.open')}
                    </button>
                    <button type="button" className="btn btn--ghost btn--small" onClick={() => void duplicate(flow)}>
                      {t('flowList.duplicate')}
                    </button>
                    <button type="button" className="btn btn--ghost btn--small" onClick={() => void exportDraft(flow)}>
                      {t('flowList.export')}
                    </button>
                    {confirmDelete === flow.id ? (
                      <button
                        type="button"
                        className="btn btn--danger btn--small"
                        onClick={() => {
                          setConfirmDelete(null);
                          void remove(flow);
                        }}
                      >
                        {t('flowList.reallyDelete')}
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="btn btn--danger-ghost btn--small"
                        disabled={flow.latestVersion !== null}
                        title={flow.latestVersion !== null ? t('flowList.cannotDelete') : t('flowList.deleteDraft')}
                        onClick={() => setConfirmDelete(flow.id)}
                      >
                        {t('flowList.delete')}
                      </button>
                    )}
                  </td>
                </tr>,
                showLayer[flow.id] && (
                  <tr key={`${flow.id}-layer`} className="flow-table__versions">
                    <td colSpan={4}>
                      <LayerDiff flowKey={flow.key} onSaved={() => void refresh()} />
                    </td>
                  </tr>
                ),
                versions && (
                  <tr key={`${flow.id}-versions`} className="flow-table__versions">
                    <td colSpan={4}>
                      {versions === 'loading' ? (
                        t('flowList.loadingVersions')
                      ) : (
                        <ul>
                          {versions.map((v) => (
                            <li key={v.version}>
                              <strong>v{v.version}</strong> · {dateTime(v.publishedAt)} · {v.publishedBy}
                              <button type="button" className="btn btn--ghost btn--small" onClick={() => void exportVersion(flow, v.version)}>
                                {t('flowList.export')}
                              </button>
                              <button
                                type="button"
                                className="btn btn--ghost btn--small"
                                onClick={() => void exportBpmn(flow, v.version)}
                                data-testid={`export-bpmn-${v.version}`}
                              >
                                {t('flowList.exportBpmn')}
                              </button>
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ),
              ];
            })}
          </tbody>
        </table>
      )}
      {dialog === 'new' && <NewFlowDialog takenKeys={takenKeys} onClose={() => setDialog(null)} onCreated={opened} />}
      {dialog === 'import' && <ImportDialog onClose={() => setDialog(null)} onImported={opened} />}
    </div>
  );
}
