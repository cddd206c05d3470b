import { validate, type ValidationProblem, type WorkflowDefinition } from '@exflow/shared';
import type { StateCreator } from 'zustand';
import type { DesignerState } from './designerStore.js';

export interface CommitOptions {
  /** Edits with the same key within a second form one undo step (typing in a field). */
  coalesceKey?: string;
  /** Only positions changed: validation cannot change, so it is skipped (drags of 1,000 nodes). */
  layoutOnly?: boolean;
  /** `false` for the frames of a drag: the checkpoint taken at drag start is the undo step. */
  record?: boolean;
}

export interface HistorySlice {
  past: WorkflowDefinition[];
  future: WorkflowDefinition[];
  /** Makes `next` the current definition, re-validates it and records an undo step. */
  commit(next: WorkflowDefinition, options?: CommitOptions): void;
  /** Records the current definition as an undo step without changing it (before a drag). */
  checkpoint(): void;
  undo(): void;
  redo(): void;
}

const LIMIT = 200;
const COALESCE_MS = 1000;
const problemCache = new WeakMap<WorkflowDefinition, ValidationProblem[]>();

/** Shared `validate()` problems of a definition, computed once per definition object. */
export function problemsOf(definition: WorkflowDefinition): ValidationProblem[] {
  let problems = problemCache.get(definition);
  if (!problems) {
    problems = validate(definition).problems;
    problemCache.set(definition, problems);
  }
  return problems;
}

/** The selection without ids the definition no longer has (after undo, redo, delete). */
function prunedSelection(s: DesignerState, definition: WorkflowDefinition): Pick<DesignerState, 'selectedNodeIds' | 'selectedEdgeIds'> | undefined {
  if (s.selectedNodeIds.length === 0 && s.selectedEdgeIds.length === 0) return undefined;
  const nodes = new Set(definition.nodes.map((n) => n.id));
  const edges = new Set(definition.edges.map((e) => e.id));
  const selectedNodeIds = s.selectedNodeIds.filter((id) => nodes.has(id));
  const selectedEdgeIds = s.selectedEdgeIds.filter((id) => edges.has(id));
  return selectedNodeIds.length === s.selectedNodeIds.length && selectedEdgeIds.length === s.selectedEdgeIds.length
    ? undefined
    : { selectedNodeIds, selectedEdgeIds };
}

export const createHistorySlice =
  (now: () => number = Date.now): StateCreator<DesignerState, [], [], HistorySlice> =>
  (set, get) => {
    let last: { key?: string; at: number } = { at: 0 };
    return {
      past: [],
      future: [],
      commit(next, options = {}) {
        const { definition, past, problems, revision } = get();
        if (next === definition) return;
        const at = now();
        const coalesce = options.coalesceKey !== undefined && options.coalesceKey === last.key && at - last.at < COALESCE_MS;
        const record = options.record !== false && !coalesce;
        if (options.record !== false) last = { key: options.coalesceKey, at };
        if (options.layoutOnly) problemCache.set(next, problems);
        set({
          ...(options.layoutOnly ? undefined : prunedSelection(get(), next)),
          definition: next,
          problems: problemsOf(next),
          revision: revision + 1,
          past: record ? [...past, definition].slice(-LIMIT) : past,
          future: options.record === false ? get().future : [],
        });
      },
      checkpoint() {
        const { definition, past } = get();
        last = { at: 0 };
        set({ past: [...past, definition].slice(-LIMIT), future: [] });
      },
      undo() {
        const { past, future, definition, revision } = get();
        const previous = past.at(-1);
        if (!previous) return;
        last = { at: 0 };
        set({
          ...prunedSelection(get(), previous),
          definition: previous,
          problems: problemsOf(previous),
          past: past.slice(0, -1),
          future: [definition, ...future],
          revision: revision + 1,
        });
      },
      redo() {
        const { past, future, definition, revision } = get();
        const next = future[0];
        if (!next) return;
        last = { at: 0 };
        set({
          ...prunedSelection(get(), next),
          definition: next,
          problems: problemsOf(next),
          past: [...past, definition],
          future: future.slice(1),
          revision: revision + 1,
        });
      },
    };
  };

export const selectCanUndo = (s: DesignerState) => s.past.length > 0;
export const selectCanRedo = (s: DesignerState) => s.future.length > 0;
