import type {
  AttachmentView,
  CaseAuditEntry,
  CaseDetail,
  CommentPosted,
  CommentView,
  EvidenceView,
  EventAccepted,
  StoredInvoiceView,
  CaseEventView,
  EffectView,
  IncidentView,
  InboxFilters,
  NotificationKind,
  NotificationPreferencesView,
  NotificationView,
  InboxPage,
  InboxSummary,
  InboxTask,
  TaskView,
  TeamMember,
  TaskSuggestion,
  VersionRecord,
} from '@exflow/shared';
import { apiErrorOf, unreachableError, type ApiClientOptions } from '../api/client.js';

export type InboxView = 'mine' | 'unclaimed' | 'team';

export type { CaseDetail, InboxFilters, InboxPage, InboxSummary, InboxTask, TeamMember, VersionRecord };
/** The AI suggestion for a task's step, with the human decision once made. */
export type AiSuggestion = NonNullable<TaskSuggestion['suggestion']>;
/** A task as the task view shows it. */
export type Task = TaskView;

/** A side effect of a case, as the case view shows it. */
export type Effect = EffectView;

/** A case waiting at a step whose call failed past its retry policy (GET /incidents). */
export type Incident = IncidentView;
export type CaseEvent = CaseEventView;

/** Case work answers: the wire types declared in shared (schemas the routes answer with). */
export type AuditEntry = CaseAuditEntry;
export type Comment = CommentView;
export type Attachment = AttachmentView;
export type Evidence = EvidenceView;
/** A received invoice as GET /invoices/:id returns it: the document and what triage stored with it. */
export type StoredInvoice = StoredInvoiceView;

export type WorkspaceApi = ReturnType<typeof createWorkspaceApi>;

const enc = encodeURIComponent;

/**
 * The analyst workspace's REST calls (inbox, tasks, cases, comments, attachments), with the
 * same bearer token and problem+json errors (`ApiError`) as the designer's `createApiClient`.
 * @example const inbox = await createWorkspaceApi({ getToken }).inbox('unclaimed', {});
 */
export function createWorkspaceApi(options: ApiClientOptions) {
  const base = options.baseUrl ?? '/api/v1';
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));

  async function send(method: string, path: string, init: { body?: BodyInit; contentType?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
    const token = options.getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    const tenant = options.getTenant?.();
    if (tenant) headers['X-Exflow-Tenant'] = tenant;
    if (init.contentType) headers['Content-Type'] = init.contentType;
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, { method, headers, body: init.body });
    } catch (cause) {
      throw unreachableError(cause);
    }
    if (response.status === 401) options.onUnauthorized?.();
    if (!response.ok) throw await apiErrorOf(response);
    return response;
  }

  const json = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await send(method, path, body === undefined ? {} : { body: JSON.stringify(body), contentType: 'application/json' });
    const text = await r.text();
    return (text ? JSON.parse(text) : undefined) as T;
  };

  const query = (params: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
    const s = q.toString();
    return s ? `?${s}` : '';
  };

  return {
    inbox: (view: InboxView, filters: InboxFilters, cursor?: string, limit = 50) =>
      json<InboxPage>('GET', `/inbox${query({ view, ...filters, cursor, limit: String(limit) })}`),
    inboxSummary: () => json<InboxSummary>('GET', '/inbox/summary'),
    mentions: () => json<Comment[]>('GET', '/inbox/mentions'),
    notificationPreferences: () => json<NotificationPreferencesView>('GET', '/me/notification-preferences'),
    setNotificationPreferences: (change: {
      email?: Partial<Record<NotificationKind, boolean>>;
      chat?: Partial<Record<NotificationKind, boolean>>;
      chatWebhook?: { format: 'slack' | 'teams'; url: string } | null;
    }) => json<NotificationPreferencesView>('PUT', '/me/notification-preferences', change),
    myNotifications: () => json<NotificationView[]>('GET', '/me/notifications?limit=20'),
    team: () => json<TeamMember[]>('GET', '/team'),
    bulkReassign: (taskIds: string[], assignee: string, reason?: string) =>
      json<{ changed: number }>('POST', '/inbox/bulk/reassign', { taskIds, assignee, ...(reason ? { reason } : {}) }),
    bulkPriority: (taskIds: string[], priority: number, reason?: string) =>
      json<{ changed: number }>('POST', '/inbox/bulk/priority', { taskIds, priority, ...(reason ? { reason } : {}) }),

    task: (id: string) => json<Task>('GET', `/tasks/${enc(id)}`),
    claim: (id: string) => json<Task>('POST', `/tasks/${enc(id)}/claim`),
    release: (id: string) => json<Task>('POST', `/tasks/${enc(id)}/release`),
    reassign: (id: string, assignee: string, reason?: string) =>
      json<InboxTask>('POST', `/tasks/${enc(id)}/reassign`, { assignee, ...(reason ? { reason } : {}) }),
    complete: (id: string, outcome: string, data: Record<string, unknown>) =>
      json<{ task: Task; case: { id: string; version: number; status: string; activeNodes: string[] } }>('POST', `/tasks/${enc(id)}/complete`, {
        outcome,
        data,
      }),

    caseDetail: (id: string) => json<CaseDetail>('GET', `/cases/${enc(id)}`),
    caseEvents: (id: string, after = 0) => json<CaseEvent[]>('GET', `/cases/${enc(id)}/events?after=${after}`),
    caseAudit: (id: string) => json<AuditEntry[]>('GET', `/cases/${enc(id)}/audit`),
    evidence: (id: string) => json<Evidence>('GET', `/cases/${enc(id)}/evidence`),
    suggestion: (taskId: string) => json<TaskSuggestion>('GET', `/tasks/${enc(taskId)}/suggestion`),
    invoice: (id: string) => json<StoredInvoice>('GET', `/invoices/${enc(id)}`),
    cancelCase: (id: string, reason: string) => json<EventAccepted>('POST', `/cases/${enc(id)}/events`, { type: 'case.cancel', reason }),
    incidents: (filters: { status?: 'open' | 'resolved' | 'all'; service?: string; definitionId?: string } = {}) =>
      json<Incident[]>('GET', `/incidents${query(filters)}`),
    retryEffect: (caseId: string, effectId: string) => json<Effect>('POST', `/cases/${enc(caseId)}/effects/${enc(effectId)}/retry`),
    comments: (caseId: string) => json<Comment[]>('GET', `/cases/${enc(caseId)}/comments`),
    addComment: (caseId: string, text: string, taskId?: string) =>
      json<CommentPosted>('POST', `/cases/${enc(caseId)}/comments`, { text, ...(taskId ? { taskId } : {}) }),
    attachments: (caseId: string) => json<Attachment[]>('GET', `/cases/${enc(caseId)}/attachments`),
    upload: async (caseId: string, file: File, taskId?: string) =>
      (
        await send('POST', `/cases/${enc(caseId)}/attachments${query({ filename: file.name, taskId })}`, {
          body: file,
          contentType: file.type || 'application/octet-stream',
        })
      ).json() as Promise<Attachment>,
    download: async (caseId: string, attachmentId: string) => (await send('GET', `/cases/${enc(caseId)}/attachments/${enc(attachmentId)}`)).blob(),
    version: (definitionId: string, version: number) => json<VersionRecord>('GET', `/definitions/${enc(definitionId)}/versions/${version}`),
  };
}
