import { createStore, type StateCreator, type StoreApi } from 'zustand';
import type { InboxFilters, InboxSummary, InboxTask, InboxView } from '../workspace/workspaceApi.js';

export interface FilterSlice {
  view: InboxView;
  filters: InboxFilters;
  setView(view: InboxView): void;
  setFilter<K extends keyof InboxFilters>(key: K, value: InboxFilters[K]): void;
  clearFilters(): void;
}

export interface ListSlice {
  items: InboxTask[];
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
  summary: InboxSummary | null;
  /** Replaces the list (first page) or appends to it (next page). */
  showPage(items: InboxTask[], nextCursor: string | null, append: boolean): void;
  /** Takes a task off the list at once (a colleague claimed it); the next fetch confirms. */
  drop(taskId: string): void;
  setSummary(summary: InboxSummary): void;
  setLoading(loading: boolean): void;
  setError(error: string | null): void;
}

export interface SelectionSlice {
  selected: string[];
  toggle(taskId: string): void;
  selectOnly(taskIds: string[]): void;
  clearSelection(): void;
}

export type InboxState = FilterSlice & ListSlice & SelectionSlice;
export type InboxStore = StoreApi<InboxState>;

const createFilterSlice: StateCreator<InboxState, [], [], FilterSlice> = (set) => ({
  view: 'unclaimed',
  filters: {},
  setView: (view) => set({ view, selected: [], filters: {} }),
  setFilter: (key, value) => set((s) => ({ filters: { ...s.filters, [key]: value || undefined }, selected: [] })),
  clearFilters: () => set({ filters: {}, selected: [] }),
});

const createListSlice: StateCreator<InboxState, [], [], ListSlice> = (set) => ({
  items: [],
  nextCursor: null,
  loading: false,
  error: null,
  summary: null,
  showPage: (items, nextCursor, append) =>
    set((s) => ({
      items: append ? [...s.items, ...items.filter((t) => !s.items.some((x) => x.id === t.id))] : items,
      nextCursor,
      loading: false,
      error: null,
      selected: s.selected.filter((id) => (append ? [...s.items, ...items] : items).some((t) => t.id === id)),
    })),
  drop: (taskId) => set((s) => ({ items: s.items.filter((t) => t.id !== taskId), selected: s.selected.filter((id) => id !== taskId) })),
  setSummary: (summary) => set({ summary }),
  setLoading: (loading) => set({ loading }),
  setError: (error) => set({ error, loading: false }),
});

const createSelectionSlice: StateCreator<InboxState, [], [], SelectionSlice> = (set) => ({
  selected: [],
  toggle: (taskId) => set((s) => ({ selected: s.selected.includes(taskId) ? s.selected.filter((id) => id !== taskId) : [...s.selected, taskId] })),
  selectOnly: (taskIds) => set({ selected: taskIds }),
  clearSelection: () => set({ selected: [] }),
});

/**
 * The inbox's state: the view and filters, the page shown, the selection for bulk actions.
 * One store per provider, like the designer's.
 * @example const store = createInboxStore('mine'); store.getState().setFilter('queue', 'procurement');
 */
export function createInboxStore(view: InboxView = 'unclaimed'): InboxStore {
  return createStore<InboxState>()((...a) => ({ ...createFilterSlice(...a), ...createListSlice(...a), ...createSelectionSlice(...a), view }));
}

export const selectView = (s: InboxState) => s.view;
export const selectFilters = (s: InboxState) => s.filters;
export const selectItems = (s: InboxState) => s.items;
export const selectNextCursor = (s: InboxState) => s.nextCursor;
export const selectLoading = (s: InboxState) => s.loading;
export const selectError = (s: InboxState) => s.error;
export const selectSummary = (s: InboxState) => s.summary;
export const selectSelected = (s: InboxState) => s.selected;
