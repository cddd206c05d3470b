import { invoiceForFeel, runTestCase, type CaseEvent, type Invoice, type ReferenceData, type TestCaseRun, type ValidationProblem } from '@exflow/shared';
import type { StateCreator } from 'zustand';
import { sampleReferenceData } from '../simulate/samples.js';
import { revealAll, sendToSimulation, startSimulation, stepForward, testCaseFromSimulation, type Simulation } from '../simulate/simulator.js';
import type { DesignerState } from './designerStore.js';
import { i18n } from '../i18n/i18n.js';

export interface SimulationSlice {
  simulation: Simulation | null;
  /** Why the last start or event was refused, shown in the simulator panel. */
  simulationError: { message: string; problems?: ValidationProblem[] } | null;
  /** Step mode reveals one microstep per click; otherwise every event runs to the next wait. */
  stepMode: boolean;
  /** The POs, receipts and suppliers the checks compare the invoice with (editable in the panel). */
  referenceData: ReferenceData;
  /** The invoice as given (JSON), kept to save the run as a test case. */
  simulationInvoice: Record<string, unknown> | null;
  /** The last run of each saved test case, by id. */
  testCaseRuns: Record<string, TestCaseRun>;
  /** The tenant's policies in force, which set the checks' params as in the runtime; null until loaded (or when the caller may not read them). */
  tenantPolicies: Record<string, unknown> | null;
  setReferenceData(reference: ReferenceData): void;
  setTenantPolicies(policies: Record<string, unknown> | null): void;
  startSimulation(invoice: Invoice, raw?: Record<string, unknown>): boolean;
  /** Saves the current simulation as a test case of the draft; returns its id. */
  saveTestCase(name: string): string | undefined;
  deleteTestCase(id: string): void;
  runTestCases(): void;
  sendSimulationEvent(event: CaseEvent): boolean;
  stepSimulation(): void;
  runSimulationToWait(): void;
  stopSimulation(): void;
  setStepMode(on: boolean): void;
}

export const createSimulationSlice: StateCreator<DesignerState, [], [], SimulationSlice> = (set, get) => ({
  simulation: null,
  simulationError: null,
  stepMode: false,
  referenceData: sampleReferenceData,
  simulationInvoice: null,
  testCaseRuns: {},
  tenantPolicies: null,
  setReferenceData: (referenceData) => set({ referenceData }),
  setTenantPolicies: (tenantPolicies) => set({ tenantPolicies }),
  startSimulation(invoice, raw) {
    const policies = get().tenantPolicies;
    const checks = { invoice, reference: get().referenceData, today: today(), ...(policies ? { policies } : {}) };
    const started = startSimulation(get().definition, { invoice: invoiceForFeel(invoice) }, checks);
    set({ simulationInvoice: raw ?? (invoice as unknown as Record<string, unknown>) });
    if (!started.ok) {
      set({ simulation: null, simulationError: { message: i18n.t('simulator.hasProblems'), problems: started.problems } });
      return false;
    }
    set({ simulation: get().stepMode ? started.simulation : revealAll(started.simulation), simulationError: null });
    return true;
  },
  sendSimulationEvent(event) {
    const current = get().simulation;
    if (!current) return false;
    const { accepted, simulation } = sendToSimulation(current, event);
    if (!accepted) {
      set({
        simulationError: {
          message: event.nodeId
            ? i18n.t('simulator.notWaitingFrom', { event: event.type, node: String(event.nodeId) })
            : i18n.t('simulator.notWaiting', { event: event.type }),
        },
      });
      return false;
    }
    set({ simulation: get().stepMode ? simulation : revealAll(simulation), simulationError: null });
    return true;
  },
  stepSimulation() {
    const simulation = get().simulation;
    if (simulation) set({ simulation: stepForward(simulation) });
  },
  runSimulationToWait() {
    const simulation = get().simulation;
    if (simulation) set({ simulation: revealAll(simulation) });
  },
  stopSimulation: () => set({ simulation: null, simulationError: null }),
  saveTestCase(name) {
    const { simulation, simulationInvoice, definition } = get();
    if (!simulation || !simulationInvoice) return undefined;
    const existing = new Set((definition.testCases ?? []).map((t) => t.id));
    const base =
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 48) || 'case';
    let id = base;
    for (let n = 2; existing.has(id); n++) id = `${base}-${n}`;
    const testCase = testCaseFromSimulation(simulation, id, name.trim() || id, simulationInvoice);
    get().commit({ ...definition, testCases: [...(definition.testCases ?? []), testCase] });
    set({ testCaseRuns: { ...get().testCaseRuns, [id]: runTestCase(get().definition, testCase, today()) } });
    return id;
  },
  deleteTestCase(id) {
    const { definition } = get();
    const testCases = (definition.testCases ?? []).filter((t) => t.id !== id);
    const next: DesignerState['definition'] = { ...definition, testCases };
    if (!testCases.length) delete next.testCases;
    get().commit(next);
    const { [id]: _gone, ...runs } = get().testCaseRuns;
    set({ testCaseRuns: runs });
  },
  runTestCases() {
    const { definition } = get();
    set({ testCaseRuns: Object.fromEntries((definition.testCases ?? []).map((t) => [t.id, runTestCase(definition, t, today())])) });
  },
  setStepMode: (on) => set({ stepMode: on }),
});

const today = () => new Date().toISOString().slice(0, 10);

export const selectReferenceData = (s: DesignerState) => s.referenceData;
export const selectTestCaseRuns = (s: DesignerState) => s.testCaseRuns;
export const selectSimulation = (s: DesignerState) => s.simulation;
export const selectSimulationError = (s: DesignerState) => s.simulationError;
export const selectStepMode = (s: DesignerState) => s.stepMode;
/** True when the definition changed after the simulation started: its path may no longer match. */
export const selectSimulationStale = (s: DesignerState) => s.simulation !== null && s.simulation.definition !== s.definition && !sameGraph(s);

function sameGraph(s: DesignerState): boolean {
  const a = s.simulation!.definition;
  const b = s.definition;
  // moving steps around does not make a simulation stale
  return a.edges === b.edges && a.nodes.length === b.nodes.length && a.nodes.every((n, i) => n.config === b.nodes[i].config && n.id === b.nodes[i].id);
}
export const selectTenantPolicies = (s: DesignerState) => s.tenantPolicies;
