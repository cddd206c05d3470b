import { createAjv, type JsonSchema } from '@exflow/shared';
import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  wrap,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { egressFetch } from '../../services/egress.js';
import { isNonRetryable, PermanentServiceError } from '../../services/registry.js';
import { createConnectorRepository } from '../../store/connectorRepository.js';
import type { Db } from '../../store/db.js';
import { createEgressAllowRepository } from '../../store/egressAllowRepository.js';
import { createReferenceRepository } from '../../store/referenceRepository.js';
import { authorizationHeader, resolveCredential } from '../credentials.js';
import type { SecretBox } from '../secretBox.js';
import { ConnectorHttpError, ConnectorUnavailableError, type Connector, type ConnectorContext } from './connector.js';

/** The most of an answer a connector reads. */
const MAX_ANSWER_BYTES = 1024 * 1024;
const DEFAULTS = { timeoutMs: 10_000, breaker: { failures: 5, halfOpenAfterMs: 30_000 }, retry: { attempts: 1, initialDelayMs: 100 } };

/** One call of a connector's operation, as a service step asks for it. */
export interface ConnectorCall {
  db: Db;
  tenantId: string;
  connector: string;
  operation: string;
  input: Record<string, unknown>;
  /** A credential name that overrides the tenant's setting for this step. */
  credential?: string;
  idempotencyKey: string;
}

/** Where a connector's breaker stands for a tenant, in this process. */
export interface BreakerView {
  state: 'closed' | 'open' | 'halfOpen';
  /** While open: when the next trial call may go, ISO time. */
  openUntil: string | null;
}

interface Breaker {
  policy: CircuitBreakerPolicy;
  openUntil?: number;
}

type ValidateFunction = ReturnType<ReturnType<typeof createAjv>['compile']>;

const transient = (e: unknown) => !isNonRetryable(e) && !(e instanceof BrokenCircuitError);

/**
 * Runs connector operations: input and output checked against the operation's schemas, the
 * tenant's settings and credential applied, each attempt under a timeout, a circuit breaker per
 * tenant and connector (cockatiel), and quick retries of network blips. Longer outages are the
 * step's retry policy's business (the effect outbox): what fails here says so with
 * `ConnectorUnavailableError` (what it waits for, and when the breaker lets a call through again).
 * Breakers live in the process: each runtime process learns of an outage by itself.
 */
export function createConnectorCalls(options: { connectors: Connector[]; secrets?: SecretBox; egressAllow?: string[] }) {
  const connectors = new Map(options.connectors.map((c) => [c.name, c]));
  const ajv = createAjv({ strict: false });
  const validators = new Map<JsonSchema, ValidateFunction>();
  const breakers = new Map<string, Breaker>();

  const validate = (schema: JsonSchema, value: unknown, what: string, code: string) => {
    let check = validators.get(schema);
    if (!check) validators.set(schema, (check = ajv.compile(schema)));
    if (!check(value)) {
      const detail = (check.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`).join('; ');
      throw new PermanentServiceError(`${what}: ${detail}`, code);
    }
  };

  function breakerFor(tenantId: string, connector: Connector): Breaker {
    const key = `${tenantId}\u0000${connector.name}`;
    let breaker = breakers.get(key);
    if (!breaker) {
      const { failures, halfOpenAfterMs } = connector.breaker ?? DEFAULTS.breaker;
      const policy = circuitBreaker(handleWhen(transient), { halfOpenAfter: halfOpenAfterMs, breaker: new ConsecutiveBreaker(failures) });
      const made: Breaker = { policy };
      policy.onBreak(() => (made.openUntil = Date.now() + halfOpenAfterMs));
      policy.onReset(() => (made.openUntil = undefined));
      breakers.set(key, (breaker = made));
    }
    return breaker;
  }

  function unavailable(connector: Connector, breaker: Breaker, error: unknown): unknown {
    const label = connector.label;
    if (error instanceof BrokenCircuitError)
      return new ConnectorUnavailableError(`${label} unavailable: its circuit breaker is open after repeated failures`, label, breaker.openUntil);
    if (error instanceof TaskCancelledError) return new ConnectorUnavailableError(`${label} did not answer in time`, label);
    if (isNonRetryable(error)) return error;
    if (error instanceof ConnectorHttpError) return new ConnectorUnavailableError(`${label} unavailable: ${error.message}`, label);
    return new ConnectorUnavailableError(`${label} unreachable: ${error instanceof Error ? error.message : String(error)}`, label);
  }

  return {
    connectors: () => [...connectors.values()],

    get: (name: string) => connectors.get(name),

    breaker(tenantId: string, name: string): BreakerView {
      const found = breakers.get(`${tenantId}\u0000${name}`);
      if (!found) return { state: 'closed', openUntil: null };
      const state = found.policy.state;
      const view = state === CircuitState.Closed ? 'closed' : state === CircuitState.HalfOpen ? 'halfOpen' : 'open';
      return { state: view, openUntil: view === 'open' && found.openUntil ? new Date(found.openUntil).toISOString() : null };
    },

    async call(call: ConnectorCall): Promise<unknown> {
      const connector = connectors.get(call.connector);
      if (!connector)
        throw new PermanentServiceError(`No connector named "${call.connector}" (known: ${[...connectors.keys()].join(', ')})`, 'connector-unknown');
      const operation = connector.operations[call.operation];
      if (!operation)
        throw new PermanentServiceError(
          `Connector "${connector.name}" has no operation "${call.operation}" (it has: ${Object.keys(connector.operations).join(', ')})`,
          'connector-operation',
        );
      validate(operation.input, call.input, `Input of ${connector.name}.${call.operation} does not fit its schema`, 'connector-input');
      const settings = await createConnectorRepository(call.db).get(call.tenantId, connector.name);
      if (!settings)
        throw new PermanentServiceError(
          `Connector "${connector.name}" is not set up for this tenant: PUT /api/v1/connectors/${connector.name}`,
          'connector-settings',
        );
      validate(connector.configSchema, settings.config, `Settings of connector ${connector.name} do not fit its schema`, 'connector-settings');
      const credentialName = call.credential ?? settings.credential;
      const authorization = credentialName ? authorizationHeader(await resolveCredential(call.db, options.secrets, call.tenantId, credentialName)) : undefined;
      const allowList = [...(options.egressAllow ?? []), ...(await createEgressAllowRepository(call.db).entriesFor(call.tenantId))];
      const base = String(settings.config.baseUrl ?? '').replace(/\/+$/, '');

      const breaker = breakerFor(call.tenantId, connector);
      const quick = connector.retry ?? DEFAULTS.retry;
      const policy = wrap(
        retry(handleWhen(transient), {
          maxAttempts: quick.attempts,
          backoff: new ExponentialBackoff({ initialDelay: quick.initialDelayMs, maxDelay: quick.initialDelayMs * 4 }),
        }),
        breaker.policy,
        timeout(connector.timeoutMs ?? DEFAULTS.timeoutMs, TimeoutStrategy.Aggressive),
      );
      let answer: unknown;
      try {
        answer = await policy.execute(({ signal }) => {
          const ctx: ConnectorContext = {
            config: settings.config,
            idempotencyKey: call.idempotencyKey,
            async request(method, path, body) {
              const headers: Record<string, string> = { accept: 'application/json' };
              if (body !== undefined) headers['content-type'] = 'application/json';
              if (authorization) headers.authorization = authorization;
              if (operation.writes) headers['idempotency-key'] = call.idempotencyKey;
              const response = await egressFetch(`${base}${path}`, {
                method,
                headers,
                body: body === undefined ? undefined : JSON.stringify(body),
                signal,
                allowList,
                maxRedirects: 0,
              });
              if (response.status < 200 || response.status >= 300) {
                response.discard();
                throw new ConnectorHttpError(response.status, `${connector.label} answered ${response.status} to ${method} ${path}`);
              }
              const text = await response.text(MAX_ANSWER_BYTES);
              return text ? JSON.parse(text) : null;
            },
          };
          return operation.call(ctx, call.input);
        });
      } catch (error) {
        throw unavailable(connector, breaker, error);
      }
      validate(operation.output, answer, `The answer of ${connector.name}.${call.operation} does not fit its schema`, 'connector-output');
      if (operation.reference && settings.referenceData === 'live') {
        const data = operation.reference(answer);
        await call.db.transaction(async (trx) => {
          const reference = createReferenceRepository(trx);
          if (data.suppliers?.length) await reference.upsertSuppliers(call.tenantId, data.suppliers);
          if (data.purchaseOrders?.length) await reference.upsertPurchaseOrders(call.tenantId, data.purchaseOrders);
          if (data.receipts?.length) await reference.upsertGoodsReceipts(call.tenantId, data.receipts);
        });
      }
      return answer;
    },
  };
}

export type ConnectorCalls = ReturnType<typeof createConnectorCalls>;
