import { useTranslation } from 'react-i18next';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, describeApiError } from '../api/client.js';
import { dateTime } from './format.js';
import { useWorkspace } from './WorkspaceApp.js';
import type { Attachment } from './workspaceApi.js';

const ACCEPT = '.pdf,.png,.jpg,.jpeg,.gif,.webp,.txt,.csv,.xml,.eml,.xlsx,.docx,application/pdf,image/*,text/plain,text/csv,application/xml,text/xml';

const size = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/** Files on the case: upload (the server checks size and content type), download. */
export function AttachmentsPanel({ caseId, taskId, closed }: { caseId: string; taskId?: string; closed: boolean }) {
  const { api } = useWorkspace();
  const { t } = useTranslation();
  const [items, setItems] = useState<Attachment[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const load = useCallback(() => api.attachments(caseId).then(setItems, (e) => setError(describeApiError(e))), [api, caseId]);
  useEffect(() => void load(), [load]);
  const upload = async (file: File) => {
    setBusy(true);
    setError(null);
    try {
      await api.upload(caseId, file, taskId);
      await load();
    } catch (e) {
      setError(e instanceof ApiError ? (e.problem.detail ?? e.problem.title) : describeApiError(e));
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };
  const download = async (a: Attachment) => {
    try {
      const url = URL.createObjectURL(await api.download(caseId, a.id));
      const link = document.createElement('a');
      link.href = url;
      link.download = a.filename;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) {
      setError(describeApiError(e));
    }
  };
  return (
    <div className="attachments" data-testid="attachments">
      {items.length === 0 && <p className="ws-muted">{t('files.none')}</p>}
      <ul className="attachments__list">
        {items.map((a) => (
          <li key={a.id}>
            <button type="button" className="link" onClick={() => void download(a)}>
              {a.filename}
            </button>
            <span className="ws-muted">
              {' '}
              {size(a.sizeBytes)} · {a.uploadedByName ?? a.uploadedBy} · {dateTime(a.createdAt)}
            </span>
          </li>
        ))}
      </ul>
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
      {!closed && (
        <>
          {/* a real button: a <label> around a hidden file input is not reachable by keyboard */}
          <button
            type="button"
            className="btn btn--secondary btn--small attachments__upload"
            disabled={busy}
            onClick={() => input.current?.click()}
            data-testid="attach-file"
          >
            {busy ? t('files.uploading') : t('files.attach')}
          </button>
          <input
            ref={input}
            type="file"
            accept={ACCEPT}
            hidden
            tabIndex={-1}
            aria-label={t('files.fileToAttach')}
            disabled={busy}
            onChange={(e) => e.target.files?.[0] && void upload(e.target.files[0])}
          />
        </>
      )}
    </div>
  );
}
