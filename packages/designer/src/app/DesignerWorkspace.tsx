import type { ValidationProblem, WorkflowDefinition } from '@exflow/shared';
import { useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, describeApiError, type DefinitionRecord, type VersionRecord, type VersionSummary } from '../api/client.js';
import { useApi } from '../api/ApiProvider.js';
import { Canvas } from '../canvas/Canvas.js';
import { Palette } from '../canvas/Palette.js';
import { useAutoLayout } from '../canvas/useAutoLayout.js';
import { useCanvasShortcuts } from '../canvas/useCanvasShortcuts.js';
import { selectComparison, selectHeatmap } from '../store/viewSlice.js';
import { useDesigner, useDesignerStore } from '../store/DesignerStoreProvider.js';
import { CanvasBanner } from './CanvasBanner.js';
import { ShortcutHelp } from './ShortcutHelp.js';
import { SidePanel } from './SidePanel.js';
import { SkipLinks } from './SkipLinks.js';
import { TopBar } from './TopBar.js';
import { useAutosave } from './useAutosave.js';

/** The designer of one flow: palette, canvas, side panel, top bar; saves and publishes through the API. */
export function DesignerWorkspace({ record, onBack }: { record: DefinitionRecord; onBack(): void }) {
  const { api } = useApi();
  const store = useDesignerStore();
  const flow = useReactFlow();
  const layout = useAutoLayout();
  const { t } = useTranslation();
  const skipTargets = [
    { id: 'canvas', label: t('canvasBanner.skipCanvas') },
    { id: 'inspector', label: t('canvasBanner.skipInspector') },
  ];
  const comparison = useDesigner(selectComparison);
  const heatmap = useDesigner(selectHeatmap);
  const readOnly = comparison !== null || heatmap !== null;
  const [help, setHelp] = useState(false);
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [versionsError, setVersionsError] = useState<string | undefined>();
  const [latest, setLatest] = useState<WorkflowDefinition | null>(null);
  const [publishing, setPublishing] = useState(false);
  const [publishBlocked, setPublishBlocked] = useState(false);
  const [serverProblems, setServerProblems] = useState<ValidationProblem[] | undefined>();
  const [notice, setNotice] = useState<string | null>(null);
  const cache = useRef(new Map<number, Promise<VersionRecord>>());

  const save = useCallback(async (d: WorkflowDefinition) => void (await api.saveDraft(record.id, d)), [api, record.id]);
  const { state: saveState, flush } = useAutosave(store, save);

  const fetchVersion = useCallback(
    (version: number) => {
      let found = cache.current.get(version);
      if (!found) {
        found = api.getVersion(record.id, version);
        found.catch(() => cache.current.delete(version));
        cache.current.set(version, found);
      }
      return found;
    },
    [api, record.id],
  );
  const loadVersion = useCallback(async (v: number) => (await fetchVersion(v)).definition, [fetchVersion]);
  const loadCompiled = useCallback(async (v: number) => (await fetchVersion(v)).compiled, [fetchVersion]);

  const refreshVersions = useCallback(async () => {
    try {
      const list = await api.listVersions(record.id);
      setVersions(list);
      setVersionsError(undefined);
      setLatest(list[0] ? await loadVersion(list[0].version) : null);
    } catch (e) {
      setVersionsError(describeApiError(e));
    }
  }, [api, record.id, loadVersion]);
  useEffect(() => void refreshVersions(), [refreshVersions]);

  // replays the saved draft, so save what is on the canvas first
  const runReplay = async (body: { from: string; to: string }) => {
    await flush();
    return api.replay(record.id, body);
  };

  const publish = async () => {
    setNotice(null);
    // warnings (segregation of duties under a warn policy) leave publishing to the server's verdict
    if (store.getState().problems.some((p) => p.severity !== 'warning')) {
      setPublishBlocked(true);
      store.getState().setPanel('problems');
      return;
    }
    setPublishing(true);
    try {
      await flush();
      const result = await api.publish(record.id);
      setPublishBlocked(false);
      setServerProblems(undefined);
      setNotice(t('canvasBanner.publishedVersion', { version: result.version }));
      await refreshVersions();
    } catch (e) {
      if (e instanceof ApiError && e.status === 422 && e.problem.errors) {
        setServerProblems(
          e.problem.errors.map((p) => ({
            code: p.code ?? 'server',
            message: p.message,
            nodeId: p.nodeId,
            edgeId: p.edgeId,
            path: p.path,
            severity: p.severity,
            pathNodeIds: p.pathNodeIds,
            pathEdgeIds: p.pathEdgeIds,
          })),
        );
        setPublishBlocked(true);
        store.getState().setPanel('problems');
      } else setNotice(t('canvasBanner.publishFailed', { message: describeApiError(e) }));
    } finally {
      setPublishing(false);
    }
  };

  const toggleHeatmap = async () => {
    if (heatmap) return store.getState().setHeatmap(null);
    const latestVersion = versions[0]?.version;
    if (latestVersion === undefined) return;
    try {
      const [figures, definition] = await Promise.all([api.getHeatmap(record.id, latestVersion), loadVersion(latestVersion)]);
      store.getState().setHeatmap({ figures, definition, label: `v${latestVersion}` });
    } catch (e) {
      setNotice(t('canvasBanner.heatmapFailed', { message: describeApiError(e) }));
    }
  };

  const fit = useCallback(() => void flow.fitView({ duration: 250, padding: 0.12 }), [flow]);
  const runLayout = useCallback(() => void layout(), [layout]);
  const openHelp = useCallback(() => setHelp(true), []);
  useCanvasShortcuts({ readOnly, layout: runLayout, onHelp: openHelp });
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 5000);
    return () => clearTimeout(timer);
  }, [notice]);

  return (
    <div className="designer">
      <SkipLinks targets={skipTargets} />
      <TopBar
        saveState={saveState}
        versions={versions}
        latest={latest}
        publishing={publishing}
        readOnly={readOnly}
        heatmapOn={heatmap !== null}
        onHeatmap={() => void toggleHeatmap()}
        onBack={() => void flush().finally(onBack)}
        onLayout={runLayout}
        onFit={fit}
        onHelp={openHelp}
        onPublish={() => void publish()}
      />
      <div className="designer__body">
        <Palette disabled={readOnly} />
        <main className="designer__canvas" id="canvas" tabIndex={-1} aria-label={t('canvasBanner.canvas')}>
          <Canvas onOpenProblems={() => store.getState().setPanel('problems')} overlay={<CanvasBanner notice={notice} />} />
        </main>
        <SidePanel
          definitionId={record.id}
          versions={versions}
          versionsError={versionsError}
          loadVersion={loadVersion}
          loadCompiled={loadCompiled}
          publishBlocked={publishBlocked}
          serverProblems={serverProblems}
          runReplay={runReplay}
        />
      </div>
      {help && <ShortcutHelp onClose={() => setHelp(false)} />}
    </div>
  );
}
