import { useTranslation } from 'react-i18next';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError, describeApiError } from '../api/client.js';
import { dateTime } from './format.js';
import { useWorkspace } from './WorkspaceApp.js';
import type { Comment } from './workspaceApi.js';

/** Comments on a case; `@analyst2` mentions a colleague by the start of their e-mail. */
export function CommentsPanel({ caseId, taskId, revision, closed }: { caseId: string; taskId?: string; revision: number; closed: boolean }) {
  const { api, team, nameOf } = useWorkspace();
  const { t } = useTranslation();
  const [comments, setComments] = useState<Comment[]>([]);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const load = useCallback(() => api.comments(caseId).then(setComments, (e) => setError(describeApiError(e))), [api, caseId]);
  useEffect(() => void load(), [load, revision]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.addComment(caseId, text, taskId);
      setText('');
      await load();
    } catch (err) {
      setError(err instanceof ApiError && err.problem.errors?.length ? err.problem.errors.map((x) => x.message).join('; ') : describeApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const handles = team.map((m) => `@${m.email.split('@')[0]}`);
  return (
    <div className="comments" data-testid="comments">
      {comments.length === 0 && <p className="ws-muted">{t('comments.none')}</p>}
      <ul className="comments__list">
        {comments.map((c) => (
          <li key={c.id} className="comment">
            <div className="comment__head">
              <strong>{c.authorName ?? nameOf(c.author)}</strong> <span className="ws-muted">{dateTime(c.createdAt)}</span>
            </div>
            <div className="comment__text">{renderMentions(c.text)}</div>
          </li>
        ))}
      </ul>
      {!closed && (
        <form className="comments__form" onSubmit={submit}>
          <textarea
            value={text}
            rows={2}
            placeholder={t('comments.placeholder', { handles: handles.slice(0, 2).join(t('comments.or')) || '@name' })}
            onChange={(e) => setText(e.target.value)}
            aria-label={t('comments.label')}
            aria-invalid={!!error}
          />
          {error && (
            <div className="field-error" role="alert">
              {error}
            </div>
          )}
          <div className="comments__actions">
            <button type="submit" className="btn btn--secondary btn--small" disabled={busy || !text.trim()}>
              {t('comments.submit')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

function renderMentions(text: string) {
  return text.split(/((?:^|\s)@[A-Za-z0-9][A-Za-z0-9._+-]*(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)/g).map((part, i) =>
    /@/.test(part) && /^(\s?)@/.test(part) ? (
      <span key={i} className="mention">
        {part}
      </span>
    ) : (
      <span key={i}>{part}</span>
    ),
  );
}
