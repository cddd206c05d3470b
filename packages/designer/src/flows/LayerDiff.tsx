import { useEffect, useState } from 'react';
import { describeApiError, type TemplateLayerView } from '../api/client.js';
import { useApi } from '../api/ApiProvider.js';

const show = (value: unknown) => (value === null || value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

/** Base vs override of a flow that stands on the MSP's base: what this client changed, value by value, and the last upgrade's conflicts. */
export function LayerDiff({ flowKey }: { flowKey: string }) {
  const { api } = useApi();
  const [layer, setLayer] = useState<TemplateLayerView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.getTemplateLayer(flowKey).then(setLayer, (e: unknown) => setError(describeApiError(e)));
  }, [api, flowKey]);
  if (error) return <div className="banner banner--error">{error}</div>;
  if (!layer) return <>Loading the base…</>;
  const conflicts = layer.report.filter((r) => r.status === 'conflict');
  return (
    <div data-testid={`layer-diff-${flowKey}`}>
      <p>
        Stands on <strong>{layer.pack}</strong> v{layer.baseVersion} of {layer.msp}.{' '}
        {layer.diff.length ? `${layer.diff.length} override(s):` : 'No overrides: the flow is the base as published.'}
      </p>
      {layer.diff.length > 0 && (
        <table className="flow-table">
          <thead>
            <tr>
              <th>Step</th>
              <th>Field</th>
              <th>Base</th>
              <th>Yours</th>
            </tr>
          </thead>
          <tbody>
            {layer.diff.map((d) => (
              <tr key={`${d.nodeId}${d.path}`}>
                <td>{d.nodeId}</td>
                <td>
                  <code>{d.path}</code>
                </td>
                <td>{show(d.base)}</td>
                <td>{show(d.override)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {conflicts.length > 0 && (
        <div className="banner banner--warn" role="status">
          The last upgrade did not apply {conflicts.length} override(s):
          <ul>
            {conflicts.map((c) => (
              <li key={c.nodeId}>{c.message}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
