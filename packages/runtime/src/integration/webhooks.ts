import { randomBytes } from 'node:crypto';
import { nextRetry, type RetryPolicy } from '@exflow/shared';
import { Webhook } from 'standardwebhooks';
import { EgressRefusedError, egressFetch } from '../services/egress.js';
import { PermanentServiceError } from '../services/registry.js';
import type { Db } from '../store/db.js';
import { openStoredSecret } from './credentials.js';
import type { SecretBox } from './secretBox.js';
import { createAuditRepository } from '../store/auditRepository.js';
import { createEgressAllowRepository } from '../store/egressAllowRepository.js';
import { createWebhookRepository, type ClaimedDelivery } from '../store/webhookRepository.js';
import type { WorkQueued } from '../engine/eventBus.js';

/** A new Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/** CloudEvent `type` of an outbound event type (`case.closed` → `com.exflow.case.closed`). */
export const cloudEventType = (eventType: string): string => `com.exflow.${eventType}`;

/** The body of a delivery: the event as a structured CloudEvent 1.0. */
export function deliveryBody(d: Pick<ClaimedDelivery, 'tenantId' | 'eventId' | 'eventType' | 'subject' | 'occurredAt' | 'data'>): string {
  return JSON.stringify({
    specversion: '1.0',
    id: d.eventId,
    source: `/exflow/tenants/${d.tenantId}`,
    type: cloudEventType(d.eventType),
    subject: d.subject,
    time: d.occurredAt,
    datacontenttype: 'application/json',
    data: d.data,
  });
}

/**
 * Standard Webhooks headers for a body: `webhook-id` (the event id, the same on every retry),
 * `webhook-timestamp` (seconds) and `webhook-signature`, one `v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">` per secret (two during a rotation window), space-separated.
 */
export function signedHeaders(id: string, body: string, secrets: string[], at: Date): Record<string, string> {
  return {
    'content-type': 'application/cloudevents+json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(id, at, body)).join(' '),
  };
}

const TIMEOUT_MS = 10_000;

/**
 * Sends due webhook deliveries (the outbox the transitions write): signed, through the egress
 * policy, retried by the retry policy, a subscription disabled after repeated 410 Gone.
 */
export function createWebhookDeliveryWorker({
  db,
  secrets,
  egressAllow = [],
  retryPolicy,
  leaseMs = 30_000,
  log = () => {},
  announce = () => {},
}: {
  db: Db;
  /** Opens the sealed subscription secrets (credentials.ts). */
  secrets?: SecretBox;
  egressAllow?: string[];
  retryPolicy?: RetryPolicy;
  leaseMs?: number;
  log?: (m: string, c: Record<string, unknown>) => void;
  /** Announces a delivery put back for a retry, so the worker is woken when it falls due (the publisher's `workQueued`). */
  announce?: (queued: WorkQueued) => void;
}) {
  const webhooks = createWebhookRepository(db);

  async function deliver(d: ClaimedDelivery): Promise<void> {
    const body = deliveryBody(d);
    let status: number | null = null;
    try {
      const allowList = [...egressAllow, ...(await createEgressAllowRepository(db).entriesFor(d.tenantId))];
      const response = await egressFetch(d.url, {
        method: 'POST',
        headers: signedHeaders(
          d.eventId,
          body,
          d.secrets.map((s) => openStoredSecret(secrets, s)),
          new Date(),
        ),
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        allowList,
        maxRedirects: 0,
      });
      response.discard();
      status = response.status;
      if (status >= 200 && status < 300) return webhooks.delivered(d, status);
      if (status === 410) {
        if (await webhooks.gone(d))
          await createAuditRepository(db).record(d.tenantId, {
            actor: 'system',
            action: 'webhook.disabled',
            entity: 'webhookSubscription',
            entityId: d.subscriptionId,
            data: { url: d.url, reason: '410 Gone' },
          });
        return;
      }
      throw new Error(`${d.url} answered ${status}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof EgressRefusedError) {
        await createAuditRepository(db).record(d.tenantId, {
          actor: 'system',
          action: 'egress.refused',
          entity: 'webhookSubscription',
          entityId: d.subscriptionId,
          data: { url: d.url, host: error.host, address: error.address, reason: error.reason },
        });
      }
      const decision = nextRetry(retryPolicy, {
        attempt: d.attempts,
        firstAttemptAt: Date.parse(d.firstAttemptAt),
        now: Date.now(),
        nonRetryable: error instanceof PermanentServiceError,
        jitter: Math.random(),
      });
      if (decision.retry) {
        await webhooks.retryLater(d, decision.delayMs, status, message);
        announce({ effects: 0, timerDueAt: [], webhookDueAt: [Date.now() + decision.delayMs] });
      } else await webhooks.failed(d, status, `${message} (${decision.reason})`);
    }
  }

  return {
    async tick(): Promise<number> {
      const due = await webhooks.claim(10, leaseMs);
      await Promise.all(due.map((d) => deliver(d).catch((e) => log('webhook delivery error', { deliveryId: d.id, error: String(e) }))));
      return due.length;
    },
  };
}
