import '../canvas/canvasStyles.js';
import { ReactFlowProvider } from '@xyflow/react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeApiError, type DefinitionRecord } from '../api/client.js';
import { useApi } from '../api/ApiProvider.js';
import { createDesignerStore, type DesignerStore } from '../store/designerStore.js';
import { DesignerStoreProvider } from '../store/DesignerStoreProvider.js';
import { quickLayout } from '../canvas/quickLayout.js';
import { DesignerWorkspace } from './DesignerWorkspace.js';

/** Loads one definition's draft and opens the designer on it, with a store of its own. */
export function DesignerPage({ definitionId, onBack }: { definitionId: string; onBack(): void }) {
  const { api } = useApi();
  const [loaded, setLoaded] = useState<{ record: DefinitionRecord; store: DesignerStore } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { t } = useTranslation();
  useEffect(() => {
    let live = true;
    setLoaded(null);
    api.getDefinition(definitionId).then(
      (record) => {
        if (!live) return;
        performance.mark('exflow:definition-loaded');
        const store = createDesignerStore({ definition: record.draft });
        const { definition } = store.getState();
        // an imported flow may have no positions at all: place it before the first render
        if (definition.nodes.length > 0 && definition.nodes.every((n) => !n.position)) {
          const positions = quickLayout(definition);
          store
            .getState()
            .commit({ ...definition, nodes: definition.nodes.map((n) => ({ ...n, position: positions[n.id] })) }, { layoutOnly: true, record: false });
        }
        setLoaded({ record, store });
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
        <div className="banner banner--error">{t('canvasBanner.cannotOpen', { message: error })}</div>
        <button type="button" className="btn btn--secondary" onClick={onBack}>
          {t('canvasBanner.backToFlows')}
        </button>
      </div>
    );
  }
  if (!loaded) return <div className="page-message">{t('canvasBanner.opening')}</div>;
  return (
    <DesignerStoreProvider store={loaded.store}>
      <ReactFlowProvider>
        <DesignerWorkspace record={loaded.record} onBack={onBack} />
      </ReactFlowProvider>
    </DesignerStoreProvider>
  );
}
