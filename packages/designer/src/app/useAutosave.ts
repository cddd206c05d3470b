import type { WorkflowDefinition } from '@exflow/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeApiError } from '../api/client.js';
import type { DesignerStore } from '../store/designerStore.js';

export type SaveState = { status: 'saved' | 'pending' | 'saving'; at?: Date } | { status: 'error'; message: string };

/**
 * Saves the draft a moment after the last change (the server accepts drafts with graph problems).
 * `flush` saves now and resolves when the server has the current draft, e.g. before publishing.
 */
export function useAutosave(store: DesignerStore, save: (definition: WorkflowDefinition) => Promise<void>, delayMs = 700) {
  const [state, setState] = useState<SaveState>({ status: 'saved' });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const saved = useRef<WorkflowDefinition>(store.getState().definition);
  const inFlight = useRef<Promise<void>>(Promise.resolve());

  const saveNow = useCallback(async () => {
    clearTimeout(timer.current);
    await inFlight.current;
    const definition = store.getState().definition;
    if (definition === saved.current) return;
    setState({ status: 'saving' });
    const run = save(definition).then(
      () => {
        saved.current = definition;
        setState(store.getState().definition === definition ? { status: 'saved', at: new Date() } : { status: 'pending' });
      },
      (e: unknown) => {
        setState({ status: 'error', message: describeApiError(e) });
        throw e;
      },
    );
    inFlight.current = run.catch(() => undefined);
    return run;
  }, [store, save]);

  useEffect(() => {
    const unsubscribe = store.subscribe((s, previous) => {
      if (s.definition === previous.definition) return;
      setState({ status: 'pending' });
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void saveNow().catch(() => undefined), delayMs);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer.current);
      void saveNow().catch(() => undefined);
    };
  }, [store, saveNow, delayMs]);

  return { state, flush: saveNow };
}
