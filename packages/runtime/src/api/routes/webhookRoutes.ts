import {
  webhookDeliveryListSchema,
  webhookDeliverySchema,
  webhookSubscriptionListSchema,
  webhookSubscriptionSchema,
  webhookSubscriptionWithSecretSchema,
} from '@exflow/shared';
import { ADMINS } from '../../auth/roles.js';
import { notFound, unprocessable } from '../../errors.js';
import { requireSecrets } from '../../integration/credentials.js';
import { newWebhookSecret } from '../../integration/webhooks.js';
import { createAuditRepository } from '../../store/auditRepository.js';
import { OUTBOUND_EVENT_TYPES } from '../../store/caseRepository.js';
import { createWebhookRepository } from '../../store/webhookRepository.js';
import { param, queryInt } from '../params.js';
import { defineRoutes } from '../route.js';

const MAX_ROTATION_HOURS = 24 * 7;

/**
 * Outbound event subscriptions (Standard Webhooks): the tenant's receivers of case, task and
 * incident events, each delivery a signed CloudEvent (docs/integration.md). Admins only.
 */
export const webhookRoutes = defineRoutes([
  {
    method: 'get',
    path: '/webhook-subscriptions',
    summary: 'Webhook subscriptions of your tenant (secrets are never shown again)',
    tag: 'integration',
    roles: ADMINS,
    responses: { '200': 'Subscriptions: url, event types, status (active, or disabled and why)' },
    responseSchemas: { '200': webhookSubscriptionListSchema },
    async handler(_req, res, { db, principal }) {
      res.json(await createWebhookRepository(db).list(principal.tenantId));
    },
  },
  {
    method: 'post',
    path: '/webhook-subscriptions',
    summary: 'Subscribe a URL to events; answers the signing secret (whsec_...) once',
    tag: 'integration',
    roles: ADMINS,
    body: {
      type: 'object',
      required: ['url', 'eventTypes'],
      additionalProperties: false,
      properties: {
        url: {
          type: 'string',
          minLength: 8,
          maxLength: 2000,
          pattern: '^https?://',
          description: 'Receiver; called through the egress policy (non-public hosts need an allow-list entry)',
        },
        eventTypes: {
          type: 'array',
          minItems: 1,
          maxItems: OUTBOUND_EVENT_TYPES.length,
          uniqueItems: true,
          items: { type: 'string', enum: [...OUTBOUND_EVENT_TYPES], maxLength: 40 },
        },
        description: { type: 'string', maxLength: 500 },
      },
    },
    responses: {
      '201': 'Created: the subscription and its secret (shown only now; stored sealed)',
      '422': 'Invalid URL or unknown event type',
      '503': 'No EXFLOW_SECRETS_KEY to seal the secret with',
    },
    responseSchemas: { '201': webhookSubscriptionWithSecretSchema },
    async handler(req, res, { db, principal, secrets }) {
      const { url, eventTypes, description } = req.body as { url: string; eventTypes: string[]; description?: string };
      try {
        new URL(url);
      } catch {
        throw unprocessable('invalid-body', `url "${url}" is not a URL`, [{ path: '/url', message: 'not a URL' }]);
      }
      const secret = newWebhookSecret();
      const sealed = requireSecrets(secrets).seal(secret);
      const created = await createWebhookRepository(db).create(principal.tenantId, {
        url,
        eventTypes,
        description,
        secret: sealed,
        createdBy: principal.userId,
      });
      await createAuditRepository(db).record(principal.tenantId, {
        actor: principal.userId,
        action: 'webhook.subscribed',
        entity: 'webhookSubscription',
        entityId: created.id,
        data: { url, eventTypes },
      });
      res.status(201).json({ ...created, secret });
    },
  },
  {
    method: 'delete',
    path: '/webhook-subscriptions/:id',
    summary: 'Remove a webhook subscription and its delivery log',
    tag: 'integration',
    roles: ADMINS,
    responses: { '204': 'Removed', '404': 'No such subscription' },
    async handler(req, res, { db, principal }) {
      if (!(await createWebhookRepository(db).remove(principal.tenantId, param(req, 'id')))) throw notFound('webhook subscription', param(req, 'id'));
      await createAuditRepository(db).record(principal.tenantId, {
        actor: principal.userId,
        action: 'webhook.removed',
        entity: 'webhookSubscription',
        entityId: param(req, 'id'),
        data: {},
      });
      res.status(204).end();
    },
  },
  {
    method: 'post',
    path: '/webhook-subscriptions/:id/rotate-secret',
    summary: 'A new signing secret (answered once); the old one keeps signing too for windowHours (default 24)',
    tag: 'integration',
    roles: ADMINS,
    body: {
      type: 'object',
      additionalProperties: false,
      properties: { windowHours: { type: 'integer', format: 'int32', minimum: 0, maximum: MAX_ROTATION_HOURS } },
    },
    responses: { '200': 'The subscription and its new secret', '404': 'No such subscription' },
    responseSchemas: { '200': webhookSubscriptionWithSecretSchema },
    async handler(req, res, { db, principal, secrets }) {
      const windowHours = (req.body as { windowHours?: number }).windowHours ?? 24;
      const secret = newWebhookSecret();
      const rotated = await createWebhookRepository(db).rotate(
        principal.tenantId,
        param(req, 'id'),
        requireSecrets(secrets).seal(secret),
        windowHours * 3600_000,
      );
      if (!rotated) throw notFound('webhook subscription', param(req, 'id'));
      await createAuditRepository(db).record(principal.tenantId, {
        actor: principal.userId,
        action: 'webhook.secretRotated',
        entity: 'webhookSubscription',
        entityId: rotated.id,
        data: { windowHours },
      });
      res.json({ ...rotated, secret });
    },
  },
  {
    method: 'post',
    path: '/webhook-subscriptions/:id/enable',
    summary: 'Enable a subscription again (one disabled after repeated 410 Gone)',
    tag: 'integration',
    roles: ADMINS,
    responses: { '200': 'The subscription', '404': 'No such subscription' },
    responseSchemas: { '200': webhookSubscriptionSchema },
    async handler(req, res, { db, principal }) {
      const enabled = await createWebhookRepository(db).enable(principal.tenantId, param(req, 'id'));
      if (!enabled) throw notFound('webhook subscription', param(req, 'id'));
      await createAuditRepository(db).record(principal.tenantId, {
        actor: principal.userId,
        action: 'webhook.enabled',
        entity: 'webhookSubscription',
        entityId: enabled.id,
        data: {},
      });
      res.json(enabled);
    },
  },
  {
    method: 'get',
    path: '/webhook-subscriptions/:id/deliveries',
    summary: 'Delivery log of a subscription, newest first: event, status, attempts, last answer',
    tag: 'integration',
    roles: ADMINS,
    query: { limit: { type: 'integer', minimum: 1, maximum: 500, description: '1 to 500, default 100' } },
    responses: { '200': 'Deliveries', '404': 'No such subscription' },
    responseSchemas: { '200': webhookDeliveryListSchema },
    async handler(req, res, { db, principal }) {
      const webhooks = createWebhookRepository(db);
      if (!(await webhooks.get(principal.tenantId, param(req, 'id')))) throw notFound('webhook subscription', param(req, 'id'));
      res.json(await webhooks.deliveries(principal.tenantId, param(req, 'id'), queryInt(req, 'limit', { min: 1, max: 500, fallback: 100 })));
    },
  },
  {
    method: 'post',
    path: '/webhook-subscriptions/:id/deliveries/:deliveryId/replay',
    summary: 'Send a delivery again, with the same webhook-id (receivers that deduplicate act once)',
    tag: 'integration',
    roles: ADMINS,
    responses: { '202': 'Queued again', '404': 'No such delivery' },
    responseSchemas: { '202': webhookDeliverySchema },
    async handler(req, res, { db, principal }) {
      const replayed = await createWebhookRepository(db).replay(principal.tenantId, param(req, 'id'), param(req, 'deliveryId'));
      if (!replayed) throw notFound('webhook delivery', param(req, 'deliveryId'));
      await createAuditRepository(db).record(principal.tenantId, {
        actor: principal.userId,
        action: 'webhook.replayed',
        entity: 'webhookSubscription',
        entityId: param(req, 'id'),
        data: { deliveryId: replayed.id, eventId: replayed.eventId },
      });
      res.status(202).json(replayed);
    },
  },
]);
