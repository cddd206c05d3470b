import {
  NOTIFICATION_KINDS,
  notificationChannelListSchema,
  notificationChannelViewSchema,
  notificationListSchema,
  notificationPreferencesViewSchema,
  TEAM_CHAT_KINDS,
  type ChatFormat,
  type NotificationKind,
  type NotificationPreferences,
  type NotificationPreferencesView,
} from '@exflow/shared';
import { ADMINS, STAFF } from '../../auth/roles.js';
import { notFound, unprocessable } from '../../errors.js';
import { createAuditRepository } from '../../store/auditRepository.js';
import { createNotificationRepository, type NotificationChannel } from '../../store/notificationRepository.js';
import { param, queryInt } from '../params.js';
import { defineRoutes } from '../route.js';

const kindSwitches = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, { type: 'boolean' }])),
};

const webhookUrl = {
  type: 'string',
  minLength: 8,
  maxLength: 2000,
  pattern: '^https?://',
  description: 'Incoming-webhook URL; called through the egress policy (non-public hosts need an allow-list entry)',
};

/** A URL a person or an admin gives, checked beyond the schema's pattern. */
function checkUrl(url: string, path: string): string {
  try {
    return new URL(url).host;
  } catch {
    throw unprocessable('invalid-body', `${path.slice(1).replace(/\//g, '.')} "${url}" is not a URL`, [{ path, message: 'not a URL' }]);
  }
}

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
};

const preferencesView = (prefs: NotificationPreferences, emailEnabled: boolean): NotificationPreferencesView => ({
  email: prefs.email,
  chat: prefs.chat,
  chatWebhook: prefs.chatWebhook ? { format: prefs.chatWebhook.format, host: hostOf(prefs.chatWebhook.url) } : null,
  emailEnabled,
});

const channelView = (c: NotificationChannel) => ({
  id: c.id,
  format: c.format,
  host: hostOf(c.url),
  kinds: c.kinds.filter((k): k is (typeof TEAM_CHAT_KINDS)[number] => (TEAM_CHAT_KINDS as readonly string[]).includes(k)),
  createdAt: c.createdAt,
});

/**
 * Notifications (docs/integration.md): each person's preferences and log, and the tenant's
 * team-chat channels (admins). Messages themselves are made by the notifier from durable facts.
 */
export const notificationRoutes = defineRoutes([
  {
    method: 'get',
    path: '/me/notification-preferences',
    summary: 'What you are told, and where (e-mail, your own chat webhook)',
    tag: 'notifications',
    roles: STAFF,
    responses: { '200': 'Your preferences over the defaults (every kind by e-mail; the digest for leads)' },
    responseSchemas: { '200': notificationPreferencesViewSchema },
    async handler(_req, res, { db, principal, config }) {
      const me = await createNotificationRepository(db).preferences(principal.tenantId, principal.userId);
      if (!me) throw notFound('user', principal.userId);
      res.json(preferencesView(me.prefs, Boolean(config.smtpUrl)));
    },
  },
  {
    method: 'put',
    path: '/me/notification-preferences',
    summary: 'Change what you are told: kinds by e-mail and by chat, and your chat webhook (null removes it)',
    tag: 'notifications',
    roles: STAFF,
    body: {
      type: 'object',
      additionalProperties: false,
      properties: {
        email: kindSwitches,
        chat: kindSwitches,
        chatWebhook: {
          oneOf: [
            {
              type: 'object',
              required: ['format', 'url'],
              additionalProperties: false,
              properties: { format: { type: 'string', enum: ['slack', 'teams'], maxLength: 5 }, url: webhookUrl },
            },
            { type: 'null' },
          ],
        },
      },
    },
    responses: { '200': 'Your preferences after the change', '422': 'An unknown kind, or a webhook URL that is not a URL' },
    responseSchemas: { '200': notificationPreferencesViewSchema },
    async handler(req, res, { db, principal, config }) {
      const change = req.body as {
        email?: Partial<Record<NotificationKind, boolean>>;
        chat?: Partial<Record<NotificationKind, boolean>>;
        chatWebhook?: { format: ChatFormat; url: string } | null;
      };
      if (change.chatWebhook) checkUrl(change.chatWebhook.url, '/chatWebhook/url');
      if (change.chat && Object.values(change.chat).some(Boolean) && change.chatWebhook === null)
        throw unprocessable('invalid-body', 'chat kinds are turned on while chatWebhook is removed; give a webhook or turn them off', [
          { path: '/chatWebhook', message: 'required while chat kinds are on' },
        ]);
      const repo = createNotificationRepository(db);
      const me = await repo.preferences(principal.tenantId, principal.userId);
      if (!me) throw notFound('user', principal.userId);
      const prefs: NotificationPreferences = {
        email: { ...me.prefs.email, ...change.email },
        chat: { ...me.prefs.chat, ...change.chat },
        chatWebhook: change.chatWebhook === undefined ? me.prefs.chatWebhook : change.chatWebhook,
      };
      await repo.setPreferences(principal.tenantId, principal.userId, prefs);
      res.json(preferencesView(prefs, Boolean(config.smtpUrl)));
    },
  },
  {
    method: 'get',
    path: '/me/notifications',
    summary: 'The latest messages sent to you (or still to send), newest first',
    tag: 'notifications',
    roles: STAFF,
    query: { limit: { type: 'integer', description: 'How many (default 50)', minimum: 1, maximum: 200 } },
    responses: { '200': 'Your messages: kind, channel, subject, status' },
    responseSchemas: { '200': notificationListSchema },
    async handler(req, res, { db, principal }) {
      res.json(
        await createNotificationRepository(db).forUser(principal.tenantId, principal.userId, queryInt(req, 'limit', { min: 1, max: 200, fallback: 50 })),
      );
    },
  },
  {
    method: 'get',
    path: '/notifications',
    summary: "Your tenant's notification log (every person and channel), newest first",
    tag: 'notifications',
    roles: ADMINS,
    query: { limit: { type: 'integer', description: 'How many (default 100)', minimum: 1, maximum: 200 } },
    responses: { '200': 'Messages with their delivery status and last error' },
    responseSchemas: { '200': notificationListSchema },
    async handler(req, res, { db, principal }) {
      res.json(await createNotificationRepository(db).forTenant(principal.tenantId, queryInt(req, 'limit', { min: 1, max: 200, fallback: 100 })));
    },
  },
  {
    method: 'get',
    path: '/notification-channels',
    summary: "Your tenant's team-chat channels (Slack or Teams incoming webhooks)",
    tag: 'notifications',
    roles: ADMINS,
    responses: { '200': 'Channels: format, host and the kinds each carries (URLs are never shown back)' },
    responseSchemas: { '200': notificationChannelListSchema },
    async handler(_req, res, { db, principal }) {
      res.json((await createNotificationRepository(db).channels(principal.tenantId)).map(channelView));
    },
  },
  {
    method: 'post',
    path: '/notification-channels',
    summary: 'Post SLA warnings, breaches and incidents to a team chat',
    tag: 'notifications',
    roles: ADMINS,
    body: {
      type: 'object',
      required: ['format', 'url', 'kinds'],
      additionalProperties: false,
      properties: {
        format: { type: 'string', enum: ['slack', 'teams'], maxLength: 5 },
        url: webhookUrl,
        kinds: {
          type: 'array',
          minItems: 1,
          maxItems: TEAM_CHAT_KINDS.length,
          uniqueItems: true,
          items: { type: 'string', enum: [...TEAM_CHAT_KINDS], maxLength: 20 },
        },
      },
    },
    responses: { '201': 'The channel', '422': 'A URL that is not a URL, or a kind a team channel does not carry' },
    responseSchemas: { '201': notificationChannelViewSchema },
    async handler(req, res, { db, principal }) {
      const { format, url, kinds } = req.body as { format: ChatFormat; url: string; kinds: NotificationKind[] };
      checkUrl(url, '/url');
      const channel = await createNotificationRepository(db).addChannel(principal.tenantId, { format, url, kinds, createdBy: principal.userId });
      await createAuditRepository(db).record(principal.tenantId, {
        actor: principal.userId,
        action: 'notificationChannel.added',
        entity: 'notificationChannel',
        entityId: channel.id,
        data: { format, host: hostOf(url), kinds },
      });
      res.status(201).json(channelView(channel));
    },
  },
  {
    method: 'delete',
    path: '/notification-channels/:id',
    summary: 'Stop posting to a team chat',
    tag: 'notifications',
    roles: ADMINS,
    responses: { '204': 'Removed', '404': 'No such channel' },
    async handler(req, res, { db, principal }) {
      if (!(await createNotificationRepository(db).removeChannel(principal.tenantId, param(req, 'id'))))
        throw notFound('notification channel', param(req, 'id'));
      await createAuditRepository(db).record(principal.tenantId, {
        actor: principal.userId,
        action: 'notificationChannel.removed',
        entity: 'notificationChannel',
        entityId: param(req, 'id'),
        data: {},
      });
      res.status(204).end();
    },
  },
]);
