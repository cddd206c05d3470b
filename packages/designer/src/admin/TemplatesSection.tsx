import { useCallback, useEffect, useState } from 'react';
import { useApi } from '../api/ApiProvider.js';
import { describeApiError, type TemplatePack } from '../api/client.js';
import { AdminSection } from './AdminSection.js';

/** The template packs this tenant's policy allows, each installable here (flows published, reference data too). */
export function TemplatesSection({ id }: { id: string }) {
  const { api } = useApi();
  const [packs, setPacks] = useState<TemplatePack[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const refresh = useCallback(() => api.listTemplates().then(setPacks, (e) => setMessage({ tone: 'error', text: describeApiError(e) })), [api]);
  useEffect(() => void refresh(), [refresh]);
  const install = async (pack: TemplatePack) => {
    setBusy(pack.name);
    try {
      const result = await api.installTemplate(pack.name, { publish: true, referenceData: true });
      setMessage({
        tone: 'ok',
        text: `${pack.title}: installed ${result.installed.length ? result.installed.join(', ') : 'nothing new'}${result.skipped.length ? `; already there: ${result.skipped.join(', ')}` : ''}.`,
      });
      await refresh();
    } catch (err) {
      setMessage({ tone: 'error', text: describeApiError(err) });
    } finally {
      setBusy(null);
    }
  };
  return (
    <AdminSection id={id} title="Template packs" intro="Ready-made flows with their reference data and routing. Installing publishes the flows in this tenant.">
      {message && (
        <p
          className={message.tone === 'ok' ? 'admin-ok' : 'banner banner--error'}
          role={message.tone === 'ok' ? 'status' : 'alert'}
          data-testid="templates-message"
        >
          {message.text}
        </p>
      )}
      {packs === null ? (
        <p>Loading…</p>
      ) : packs.length === 0 ? (
        <p>No template packs are allowed for this tenant.</p>
      ) : (
        <ul className="admin-packs" data-testid="template-packs">
          {packs.map((pack) => {
            const missing = pack.flows.filter((f) => !f.installed).length;
            return (
              <li key={pack.name} data-pack={pack.name}>
                <div>
                  <strong id={`pack-${pack.name}`}>{pack.title}</strong> <span className="admin-muted">v{pack.version}</span>
                  <p>{pack.description}</p>
                  <p className="admin-muted">{pack.flows.map((f) => `${f.name}${f.installed ? ' ✓' : ''}`).join(' · ')}</p>
                </div>
                <button
                  type="button"
                  className="btn btn--secondary"
                  disabled={busy !== null || missing === 0}
                  onClick={() => void install(pack)}
                  aria-describedby={`pack-${pack.name}`}
                >
                  {busy === pack.name ? 'Installing…' : missing === 0 ? 'Installed' : 'Install'}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </AdminSection>
  );
}
