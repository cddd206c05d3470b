import type {
  AgreementRow,
  AiAlertView,
  AiModelView,
  AssignmentOptions,
  ApiKeyMinted,
  ApiKeyView,
  BpmnImportResponse,
  BrandingView,
  ClientList,
  LoginResponse,
  DefinitionSummary,
  DefinitionView,
  MigrationDryRun,
  MigrationView,
  NodeMapping,
  Heatmap,
  PoliciesSaved,
  PoliciesView,
  ReplayReport,
  TemplateInstall,
  TemplateLayerSummary,
  TemplateLayerView as WireTemplateLayerView,
  TemplatePackView,
  UserView,
  ValidationResult,
  VersionRecord,
  VersionSummary,
  TemplateOverrides,
  WorkflowDefinition,
} from '@exflow/shared';
import { problemMessage, type FieldLabels } from './problemMessage.js';

/** A problem+json body (RFC 9457), as every error response of the API carries. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** The problem's stable code (the runtime's problem catalogue); the app words known codes itself. */
  code?: string;
  errors?: {
    path: string;
    message: string;
    code?: string;
    nodeId?: string;
    edgeId?: string;
    severity?: 'error' | 'warning';
    pathNodeIds?: string[];
    pathEdgeIds?: string[];
  }[];
}

/** The code of the problem the clients make up when no answer came at all (network down, server stopped). */
const UNREACHABLE = 'unreachable';

/** An error response of the API: `problem` says what went wrong and, for 422, where; `message` says it in the user's language. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problemMessage(problem));
    this.name = 'ApiError';
  }
}

/** The signed-in user (`GET /auth/me`, and the user of a sign-in). */
export type User = UserView;

/** Definitions and versions as the runtime answers them: the wire types declared in shared. */
export type { DefinitionSummary, VersionSummary, VersionRecord };
/** A definition with its draft. */
export type DefinitionRecord = DefinitionView;

/** Admin and tenancy answers: the wire types declared in shared (schemas the routes answer with). */
export type { TemplateLayerSummary };
/** Base vs override for one flow (GET /template-layers/:key), with the base and overrides typed as the designer edits them. */
export type TemplateLayerView = Omit<WireTemplateLayerView, 'base' | 'overrides'> & { base: WorkflowDefinition; overrides: TemplateOverrides };
/** The brand a tenant's users see (their MSP's for an MSP's clients). */
export type Branding = BrandingView;
/** GET /policies: what is in force, what the tenant set itself, and what it may override. */
export type Policies = PoliciesView;
export type ApiKey = ApiKeyView;
/** A tenant as GET /clients names it. */
export type Tenant = ClientList['tenant'];

/** A template pack as GET /templates lists it. */
export type TemplatePack = TemplatePackView;
export type { TemplateInstall };

/** The answer to publishing: the new version. */
export type PublishResult = VersionSummary;

export interface ApiClientOptions {
  /** Default `/api/v1` (same origin: the runtime serves the designer). */
  baseUrl?: string;
  getToken(): string | null;
  /** The client tenant a platform admin acts in: sent as `X-Exflow-Tenant` on every call. */
  getTenant?(): string | null;
  /** Called on 401 so the app can show the login screen again. */
  onUnauthorized?(): void;
  fetch?: typeof fetch;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/**
 * A typed client for the Exflow REST API. Every call sends the bearer token; every non-2xx
 * answer becomes an `ApiError` carrying the problem+json body.
 * @example
 * const api = createApiClient({ getToken: () => sessionStorage.getItem('exflow.token') });
 * const flows = await api.listDefinitions();
 */
export function createApiClient(options: ApiClientOptions) {
  const base = options.baseUrl ?? '/api/v1';
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));

  /** `raw` sends a text body of its content type; `asText` answers the body as text (XML) instead of JSON. */
  async function request<T>(method: string, path: string, body?: unknown, raw?: { contentType?: string; asText?: boolean }): Promise<T> {
    const headers: Record<string, string> = { Accept: raw?.asText ? '*/*' : 'application/json, application/problem+json' };
    const token = options.getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    const tenant = options.getTenant?.();
    if (tenant) headers['X-Exflow-Tenant'] = tenant;
    if (body !== undefined) headers['Content-Type'] = raw?.contentType ?? 'application/json';
    let response: Response;
    try {
      const payload = body === undefined ? undefined : raw?.contentType ? String(body) : JSON.stringify(body);
      response = await doFetch(`${base}${path}`, { method, headers, body: payload });
    } catch (cause) {
      throw unreachableError(cause);
    }
    if (response.status === 401) options.onUnauthorized?.();
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const data: unknown = text ? safeJson(text) : undefined;
    if (!response.ok) throw new ApiError(response.status, toProblem(response, data));
    return (raw?.asText ? text : data) as T;
  }

  return {
    login: (email: string, password: string) => request<LoginResponse>('POST', '/auth/login', { email, password }),
    listDefinitions: () => request<DefinitionSummary[]>('GET', '/definitions'),
    createDefinition: (definition: WorkflowDefinition) => request<DefinitionRecord>('POST', '/definitions', definition),
    getDefinition: (id: string) => request<DefinitionRecord>('GET', `/definitions/${encodeURIComponent(id)}`),
    saveDraft: (id: string, definition: WorkflowDefinition) => request<DefinitionRecord>('PUT', `/definitions/${encodeURIComponent(id)}/draft`, definition),
    deleteDefinition: (id: string) => request<void>('DELETE', `/definitions/${encodeURIComponent(id)}`),
    validateDefinition: (definition: WorkflowDefinition) => request<ValidationResult>('POST', '/definitions/validate', definition),
    publish: (id: string) => request<PublishResult>('POST', `/definitions/${encodeURIComponent(id)}/publish`),
    replay: (id: string, body: { from: string; to: string; version?: number; limit?: number }) =>
      request<ReplayReport>('POST', `/definitions/${encodeURIComponent(id)}/replay`, body),
    migrationDryRun: (id: string, body: { fromVersion: number; toVersion: number; mapping?: NodeMapping }) =>
      request<MigrationDryRun>('POST', `/definitions/${encodeURIComponent(id)}/migrations/dry-run`, body),
    createMigration: (id: string, body: { fromVersion: number; toVersion: number; mapping?: NodeMapping; batchSize?: number }) =>
      request<MigrationView>('POST', `/definitions/${encodeURIComponent(id)}/migrations`, body),
    applyMigrationBatch: (id: string, migrationId: string, n: number) =>
      request<MigrationView>('POST', `/definitions/${encodeURIComponent(id)}/migrations/${encodeURIComponent(migrationId)}/batches/${n}/apply`),
    applyMigration: (id: string, migrationId: string) =>
      request<MigrationView>('POST', `/definitions/${encodeURIComponent(id)}/migrations/${encodeURIComponent(migrationId)}/apply`),
    rollbackMigrationBatch: (id: string, migrationId: string, n: number) =>
      request<MigrationView>('POST', `/definitions/${encodeURIComponent(id)}/migrations/${encodeURIComponent(migrationId)}/batches/${n}/rollback`),
    listVersions: (id: string) => request<VersionSummary[]>('GET', `/definitions/${encodeURIComponent(id)}/versions`),
    getVersion: (id: string, version: number) => request<VersionRecord>('GET', `/definitions/${encodeURIComponent(id)}/versions/${version}`),
    getHeatmap: (id: string, version: number) => request<Heatmap>('GET', `/insights/flows/${encodeURIComponent(id)}/versions/${version}/heatmap`),
    importBpmn: (xml: string, key?: string) =>
      request<BpmnImportResponse>('POST', `/definitions/import/bpmn${key ? `?key=${encodeURIComponent(key)}` : ''}`, xml, { contentType: 'application/xml' }),
    exportBpmn: (id: string, version: number) =>
      request<string>('GET', `/definitions/${encodeURIComponent(id)}/versions/${version}/bpmn`, undefined, { asText: true }),
    listTemplateLayers: () => request<TemplateLayerSummary[]>('GET', '/template-layers'),
    getTemplateLayer: (key: string) => request<TemplateLayerView>('GET', `/template-layers/${encodeURIComponent(key)}`),
    saveTemplateOverrides: (key: string, overrides: TemplateOverrides) =>
      request<{ key: string; version: number }>('PUT', `/template-layers/${encodeURIComponent(key)}/overrides`, overrides),
    getBranding: () => request<Branding>('GET', '/branding'),
    setBranding: (branding: Branding) => request<Branding>('PUT', '/branding', branding),
    getPolicies: () => request<Policies>('GET', '/policies'),
    getPolicySchema: () => request<Record<string, unknown>>('GET', '/policies/schema'),
    setPolicies: (policies: Record<string, unknown>) => request<PoliciesSaved>('PUT', '/policies', { policies }),
    listApiKeys: () => request<ApiKey[]>('GET', '/api-keys'),
    createApiKey: (name: string, role: string) => request<ApiKeyMinted>('POST', '/api-keys', { name, role }),
    revokeApiKey: (id: string) => request<void>('DELETE', `/api-keys/${encodeURIComponent(id)}`),
    listTemplates: () => request<TemplatePack[]>('GET', '/templates'),
    installTemplate: (pack: string, options: { publish: boolean; referenceData: boolean }) =>
      request<TemplateInstall>('POST', `/templates/${encodeURIComponent(pack)}/install`, options),
    listClients: () => request<ClientList>('GET', '/clients'),
    listAiModels: () => request<AiModelView[]>('GET', '/ai/models?limit=50'),
    trainAiModels: () => request<{ recommender: AiModelView | null; anomaly: AiModelView | null; skippedSteps: string[] }>('POST', '/ai/models/train'),
    getAiAgreement: () => request<AgreementRow[]>('GET', '/ai/agreement'),
    listAiAlerts: () => request<AiAlertView[]>('GET', '/ai/alerts?status=open'),
    acknowledgeAiAlert: (id: string) => request<AiAlertView>('POST', `/ai/alerts/${encodeURIComponent(id)}/acknowledge`),
    assignmentOptions: () => request<AssignmentOptions>('GET', '/assignment-options'),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** What every API client throws when no answer came at all (network down, runtime stopped). */
export function unreachableError(cause: unknown): ApiError {
  return new ApiError(0, {
    type: 'about:blank',
    title: 'The server cannot be reached',
    status: 0,
    code: UNREACHABLE,
    detail: `Check your network and that the Exflow runtime is running (${String(cause)})`,
  });
}

/** The `ApiError` of a failed response, from its problem+json body (or its text, when it is not one). */
export async function apiErrorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  return new ApiError(response.status, toProblem(response, text ? safeJson(text) : undefined));
}

function toProblem(response: Response, data: unknown): Problem {
  if (data && typeof data === 'object' && 'title' in data) return data as Problem;
  return {
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: typeof data === 'string' && data ? data.slice(0, 300) : undefined,
  };
}

/**
 * One line per problem, for a message shown to the user, in their language (see
 * `problemMessage`); `labels` names the fields of the page's form the server may refuse.
 * @example describeApiError(e, { '/productName': t('admin.branding.productName') })
 */
export function describeApiError(error: unknown, labels?: FieldLabels): string {
  if (error instanceof ApiError) return problemMessage(error.problem, labels);
  return error instanceof Error ? error.message : String(error);
}
