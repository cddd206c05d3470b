import { ReactFlowProvider } from '@xyflow/react';
import { useEffect, useState } from 'react';
import { describeApiError, type DefinitionRecord } from '../api/client.js';
import { useApi } from '../api/ApiProvider.js';
import { createDesignerStore, type DesignerStore } from '../store/designerStore.js';
import { DesignerStoreProvider } from '../store/DesignerStoreProvider.js';
import { DesignerWorkspace } from './DesignerWorkspace.js';

/** Loads one definition's draft and opens the designer on it, with a store of its own. */
export function DesignerPage({ definitionId, onBack }: { definitionId: string; onBack(): void }) {
  const { api } = useApi();
  const [loaded, setLoaded] = useState<{ record: DefinitionRecord; store: DesignerStore } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setLoaded(null);
    api.getDefinition(definitionId).then(
      (record) => {
        if (!live) return;
        performance.mark('exflow:definition-loaded');
        setLoaded({ record, store: createDesignerStore({ definition: record.draft }) });
      },
      (e: unknown) => live && setError(describeApiError(e)),
    );
    return () => {
      live = false;
    };
  }, [api, definitionId]);

  if (error) {
    return (
      <div className="page-message">
        <div className="banner banner--error">Cannot open this flow: {error}</div>
        <button type="button" className="btn btn--secondary" onClick={onBack}>Back to flows</button>
      </div>
    );
  }
  if (!loaded) return <div className="page-message">Opening flow…</div>;
  return (
    <DesignerStoreProvider store={loaded.store}>
      <ReactFlowProvider>
        <DesignerWorkspace record={loaded.record} onBack={onBack} />
      </ReactFlowProvider>
    </DesignerStoreProvider>
  );
}
