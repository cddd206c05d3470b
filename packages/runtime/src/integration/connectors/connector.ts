import type { JsonSchema } from '@exflow/shared';
import type { CredentialType } from '../../store/credentialRepository.js';
import type { GoodsReceiptInput, PurchaseOrderInput, SupplierInput } from '../../store/referenceRepository.js';

/** What an operation gets to reach the outside world with: an HTTP client bound to the tenant's settings. */
export interface ConnectorContext {
  /** The tenant's settings of the connector (validated against its `configSchema`). */
  config: Record<string, unknown>;
  /**
   * A JSON request to a path under the configured base URL, through the egress policy, with the
   * credential's `Authorization` header and, for an operation that writes, `Idempotency-Key`.
   * 2xx answers its body (parsed JSON, or `null` for none); other answers throw a `ConnectorHttpError`.
   */
  request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown>;
  /** Stable across every attempt of one step's call: the outside world acts on it once. */
  idempotencyKey: string;
}

/** One typed operation of a connector. */
export interface ConnectorOperation {
  summary: string;
  /** JSON Schema of the input (checked before any call; a mismatch fails the step for good). */
  input: JsonSchema;
  /** JSON Schema of the answer kept in the case (checked; a mismatch fails the step for good). */
  output: JsonSchema;
  /** Whether it changes the outside world: then `Idempotency-Key` is sent, and it is never retried inside one attempt. */
  writes: boolean;
  call(ctx: ConnectorContext, input: Record<string, unknown>): Promise<unknown>;
  /**
   * Reference data in the answer (a purchase order, its receipts, a supplier): when the tenant
   * pulls reference data live through this connector, it is stored for the checks that read it.
   */
  reference?: (answer: unknown) => ReferenceData;
}

/** Reference data an answer carries, in the shape the reference tables take. */
export interface ReferenceData {
  purchaseOrders?: PurchaseOrderInput[];
  receipts?: GoodsReceiptInput[];
  suppliers?: SupplierInput[];
}

/**
 * A connector: a named set of typed operations against one outside system, with the settings a
 * tenant gives it, the credential types it accepts and how it rides out failures. See
 * docs/integration.md "Writing a connector".
 */
export interface Connector {
  /** The name flows and settings use (`erp`). */
  name: string;
  /** What a waiting case says it waits for ("ERP"). */
  label: string;
  /** JSON Schema of the tenant's settings (`PUT /api/v1/connectors/:name`), e.g. its base URL. */
  configSchema: JsonSchema;
  /** Credential types it can authenticate with. */
  credentialTypes: CredentialType[];
  /** Per attempt, ms (below the effect worker's lease). Default 10 s. */
  timeoutMs?: number;
  /** Consecutive failures that open the breaker, and how long it stays open before one trial call. Default 5, 30 s. */
  breaker?: { failures: number; halfOpenAfterMs: number };
  /** Quick retries of a reading operation inside one attempt (network blips). Default 1, 100 ms. */
  retry?: { attempts: number; initialDelayMs: number };
  operations: Record<string, ConnectorOperation>;
}

/** Declares a connector (identity: it is the data the framework reads). */
export const defineConnector = (connector: Connector): Connector => connector;

/** A non-2xx answer of the outside system. 4xx (but 408, 429) is the caller's mistake: not retried. */
export class ConnectorHttpError extends Error {
  readonly nonRetryable: boolean;
  readonly code: string;
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectorHttpError';
    this.nonRetryable = status >= 400 && status < 500 && status !== 408 && status !== 429;
    this.code = `http-${status}`;
  }
}

/**
 * The outside system cannot be reached (down, timing out, or its breaker is open): the step
 * waits for `waitingFor` and is tried again, not before `retryAt` when the breaker says so.
 */
export class ConnectorUnavailableError extends Error {
  readonly code = 'connector-unavailable';
  constructor(
    message: string,
    readonly waitingFor: string,
    readonly retryAt?: number,
  ) {
    super(message);
    this.name = 'ConnectorUnavailableError';
  }
}
