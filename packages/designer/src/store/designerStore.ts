import type { WorkflowDefinition } from '@exflow/shared';
import { createStore, type StoreApi } from 'zustand';
import { createLocalClipboard, type ClipboardStorage } from './clipboard.js';
import { createFlowSlice, type FlowSlice } from './flowSlice.js';
import { createHistorySlice, type HistorySlice } from './historySlice.js';
import { createSelectionSlice, type SelectionSlice } from './selectionSlice.js';
import { createSimulationSlice, type SimulationSlice } from './simulationSlice.js';
import { createViewSlice, type ViewSlice } from './viewSlice.js';

/** Everything the designer of one flow knows: one store of typed slices. */
export type DesignerState = FlowSlice & SelectionSlice & HistorySlice & SimulationSlice & ViewSlice;
export type DesignerStore = StoreApi<DesignerState>;

export interface DesignerStoreOptions {
  definition: WorkflowDefinition;
  /** Where Copy/Paste keep steps; default: localStorage, shared by every flow and tab. */
  clipboard?: ClipboardStorage;
  /** Clock for coalescing typing into one undo step (tests pass a fake one). */
  now?: () => number;
}

/**
 * Creates the store of one designer: one per provider, never a global, so two flows open side
 * by side (or two tests) never share state.
 * @example
 * const store = createDesignerStore({ definition });
 * store.getState().addNode('decision', { x: 200, y: 100 });
 */
export function createDesignerStore(options: DesignerStoreOptions): DesignerStore {
  const clipboard = options.clipboard ?? createLocalClipboard();
  return createStore<DesignerState>()((...a) => ({
    ...createFlowSlice(options.definition, clipboard)(...a),
    ...createSelectionSlice(...a),
    ...createHistorySlice(options.now)(...a),
    ...createSimulationSlice(...a),
    ...createViewSlice(...a),
  }));
}
