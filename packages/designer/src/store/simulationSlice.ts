import type { CaseEvent, ValidationProblem } from '@exflow/shared';
import type { StateCreator } from 'zustand';
import { revealAll, sendToSimulation, startSimulation, stepForward, type Simulation } from '../simulate/simulator.js';
import type { DesignerState } from './designerStore.js';

export interface SimulationSlice {
  simulation: Simulation | null;
  /** Why the last start or event was refused, shown in the simulator panel. */
  simulationError: { message: string; problems?: ValidationProblem[] } | null;
  /** Step mode reveals one microstep per click; otherwise every event runs to the next wait. */
  stepMode: boolean;
  startSimulation(invoice: Record<string, unknown>): boolean;
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
  startSimulation(invoice) {
    const started = startSimulation(get().definition, { invoice });
    if (!started.ok) {
      set({ simulation: null, simulationError: { message: 'The flow has problems to fix before it can run', problems: started.problems } });
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
      set({ simulationError: { message: `The case is not waiting for "${event.type}"${event.nodeId ? ` from ${String(event.nodeId)}` : ''}` } });
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
  setStepMode: (on) => set({ stepMode: on }),
});

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
