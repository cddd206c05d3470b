import { useTranslation } from 'react-i18next';
import type { ReplayReport, ValidationProblem, WorkflowDefinition } from '@exflow/shared';
import type { VersionSummary } from '../api/client.js';
import { ProblemsPanel } from '../canvas/ProblemsPanel.js';
import { Inspector } from '../inspector/Inspector.js';
import { ReplayPanel } from '../simulate/ReplayPanel.js';
import { SimulatorPanel } from '../simulate/SimulatorPanel.js';
import { selectProblemCount } from '../store/flowSlice.js';
import { selectSimulation } from '../store/simulationSlice.js';
import { selectPanel, type SidePanel as Tab } from '../store/viewSlice.js';
import { useDesigner, useDesignerStore } from '../store/DesignerStoreProvider.js';
import { CompiledPanel } from '../versions/CompiledPanel.js';
import { VersionsPanel } from '../versions/VersionsPanel.js';

const TABS = ['inspect', 'problems', 'simulate', 'replay', 'versions', 'compiled'] as const satisfies readonly Tab[];

export interface SidePanelProps {
  definitionId: string;
  versions: VersionSummary[];
  versionsError?: string;
  loadVersion(version: number): Promise<WorkflowDefinition>;
  loadCompiled(version: number): Promise<unknown>;
  publishBlocked: boolean;
  serverProblems?: ValidationProblem[];
  runReplay(body: { from: string; to: string }): Promise<ReplayReport>;
}

/** The panel docked at the right: inspector, problems, simulator, what-if replay, versions, compiled machine. */
export function SidePanel(props: SidePanelProps) {
  const store = useDesignerStore();
  const panel = useDesigner(selectPanel);
  const problemCount = useDesigner(selectProblemCount);
  const simulating = useDesigner(selectSimulation) !== null;
  const { t } = useTranslation();
  return (
    <aside className="side-panel" aria-label={t('sidePanel.details')} id="inspector" tabIndex={-1}>
      <nav className="tabs" role="tablist">
        {TABS.map((tab) => (
          <button
            key={tab}
            type="button"
            role="tab"
            aria-selected={panel === tab}
            className={`tabs__tab ${panel === tab ? 'is-active' : ''}`}
            onClick={() => store.getState().setPanel(tab)}
            data-testid={`tab-${tab}`}
          >
            {t(`sidePanel.${tab}`)}
            {tab === 'problems' && problemCount > 0 && <span className="tabs__count">{problemCount}</span>}
            {tab === 'simulate' && simulating && <span className="tabs__live" aria-label={t('sidePanel.running')} />}
          </button>
        ))}
      </nav>
      <div className="side-panel__body">
        {panel === 'inspect' && <Inspector />}
        {panel === 'problems' && <ProblemsPanel publishBlocked={props.publishBlocked} serverProblems={props.serverProblems} />}
        {panel === 'simulate' && <SimulatorPanel />}
        {panel === 'replay' && <ReplayPanel runReplay={props.runReplay} />}
        {panel === 'versions' && (
          <VersionsPanel definitionId={props.definitionId} versions={props.versions} loadVersion={props.loadVersion} error={props.versionsError} />
        )}
        {panel === 'compiled' && <CompiledPanel versions={props.versions} loadCompiled={props.loadCompiled} />}
      </div>
    </aside>
  );
}
