import { useCallback, useEffect, useRef } from 'react';
import { describeApiError } from '../api/client.js';
import { useLive, useLiveMessage, useRooms } from '../workspace/live.js';
import { selectSummary } from './inboxStore.js';
import { useInbox, useInboxStore } from './InboxStoreProvider.js';
import { useWorkspace } from '../workspace/WorkspaceApp.js';

const REFRESH_MS = 120;

/**
 * Loads the inbox page and the counts for the current view and filters, and keeps them live:
 * any task or case change in a queue shown refreshes them (coalesced), a task a colleague
 * claims leaves "unclaimed" at once, and a reconnect refetches what was missed.
 */
export function useInboxData(): { loadMore(): Promise<void>; refresh(): void } {
  const { api, user } = useWorkspace();
  const store = useInboxStore();
  const { connection } = useLive();
  const generation = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const load = useCallback(async () => {
    const mine = ++generation.current;
    const { view, filters } = store.getState();
    store.getState().setLoading(true);
    try {
      const [page, summary] = await Promise.all([api.inbox(view, filters), api.inboxSummary()]);
      if (mine !== generation.current) return; // a newer request answers instead
      store.getState().showPage(page.items, page.nextCursor, false);
      store.getState().setSummary(summary);
    } catch (e) {
      if (mine === generation.current) store.getState().setError(describeApiError(e));
    }
  }, [api, store]);

  const refresh = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void load(), REFRESH_MS);
  }, [load]);

  useEffect(() => store.subscribe((s, prev) => (s.view !== prev.view || s.filters !== prev.filters ? void load() : undefined)), [store, load]);
  useEffect(() => {
    void load();
  }, [load, connection]);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const summary = useInbox(selectSummary);
  const queues = summary?.queues.map((q) => `queue:${q.queue}`) ?? [];
  useRooms(queues);

  useLiveMessage('task.changed', (m) => {
    const { view, items } = store.getState();
    const shown = items.some((t) => t.id === m.taskId);
    if (shown && view === 'unclaimed' && m.change === 'claimed' && m.assignee !== user.id) store.getState().drop(m.taskId);
    if (shown && (m.change === 'completed' || (view === 'mine' && m.change === 'reassigned' && m.assignee !== user.id))) store.getState().drop(m.taskId);
    refresh();
  });
  useLiveMessage('case.changed', (m) => {
    if (m.tasksOpened.length || m.tasksClosedNodes.length || m.status !== 'open') refresh();
  });

  const loadMore = useCallback(async () => {
    const { view, filters, nextCursor } = store.getState();
    if (!nextCursor) return;
    try {
      const page = await api.inbox(view, filters, nextCursor);
      store.getState().showPage(page.items, page.nextCursor, true);
    } catch (e) {
      store.getState().setError(describeApiError(e));
    }
  }, [api, store]);

  return { loadMore, refresh };
}
