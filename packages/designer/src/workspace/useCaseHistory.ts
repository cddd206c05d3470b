import { createCaseFeed, type CaseFeed } from '@exflow/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CaseEvent, WorkspaceApi } from './workspaceApi.js';
import { useLive, useLiveMessage, useRooms, type CaseChanged } from './live.js';

export interface CaseHistory {
  events: CaseEvent[];
  /** The last version seen without a hole before it. */
  version: number;
  /** Changes with every version applied (for views that refetch what the events do not carry). */
  revision: number;
  error: string | null;
}

/**
 * A case's event history kept live: `case.changed` messages tell that the case moved, and the
 * events are fetched with `GET /cases/:id/events?after=<last version>`, on first load, on every
 * reconnect and whenever a message is ahead of what was seen. `createCaseFeed` applies each
 * version once, in order, whichever way it came.
 */
export function useCaseHistory(api: WorkspaceApi, caseId: string | null, onChange?: (message: CaseChanged | null) => void): CaseHistory {
  const [state, setState] = useState<CaseHistory>({ events: [], version: 0, revision: 0, error: null });
  const feed = useRef<CaseFeed<CaseEvent> | null>(null);
  const fetching = useRef<Promise<void> | null>(null);
  const again = useRef(false);
  const latestOnChange = useRef(onChange);
  latestOnChange.current = onChange;
  const { connection } = useLive();
  useRooms(caseId ? [`case:${caseId}`] : []);

  const catchUp = useCallback(
    (message: CaseChanged | null) => {
      if (!caseId || !feed.current) return;
      if (fetching.current) {
        again.current = true; // one more round after the one in flight, never two at once
        return;
      }
      const current = feed.current;
      fetching.current = (async () => {
        try {
          const events = await api.caseEvents(caseId, current.lastVersion);
          if (feed.current !== current) return; // another case by now
          const { applied } = current.accept(events);
          if (applied.length) {
            setState((s) => ({ events: [...s.events, ...applied], version: current.lastVersion, revision: s.revision + 1, error: null }));
            latestOnChange.current?.(message);
          }
        } catch (e) {
          setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e) }));
        } finally {
          fetching.current = null;
          if (again.current) {
            again.current = false;
            catchUp(null);
          }
        }
      })();
    },
    [api, caseId],
  );

  useEffect(() => {
    feed.current = caseId ? createCaseFeed((e: CaseEvent) => e.seq) : null;
    setState({ events: [], version: 0, revision: 0, error: null });
    catchUp(null);
  }, [caseId, catchUp]);

  // every reconnect: whatever happened while the network was away
  useEffect(() => {
    if (connection > 0) catchUp(null);
  }, [connection, catchUp]);

  useLiveMessage('case.changed', (message) => {
    if (message.caseId === caseId && feed.current && message.version > feed.current.lastVersion) catchUp(message);
  });

  return state;
}
