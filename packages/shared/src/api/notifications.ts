import { Type, type Static } from '@sinclair/typebox';
import { NOTIFICATION_KINDS, TEAM_CHAT_KINDS } from '../notifications/notifications.js';
import { Count, Id, List, Nullable, OneOf, Text, Timestamp } from './wire.js';

const kindSwitches = (description: string) =>
  Type.Object(
    Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, Type.Boolean()])) as Record<(typeof NOTIFICATION_KINDS)[number], ReturnType<typeof Type.Boolean>>,
    {
      description,
    },
  );

/** `GET /me/notification-preferences`: what a person receives, and where. */
export const notificationPreferencesViewSchema = Type.Object({
  email: kindSwitches('Kinds sent by e-mail'),
  chat: kindSwitches("Kinds posted to the person's own chat webhook"),
  chatWebhook: Nullable(
    Type.Object({
      format: OneOf(['slack', 'teams'] as const),
      host: Text(300, 'Host of the webhook URL (the URL itself is never shown back)'),
    }),
  ),
  emailEnabled: Type.Boolean({ description: 'Whether this Exflow sends e-mail at all (EXFLOW_SMTP_URL)' }),
});
export type NotificationPreferencesView = Static<typeof notificationPreferencesViewSchema>;

/** One message in a person's or a tenant's notification log. */
export const notificationViewSchema = Type.Object({
  id: Id(),
  kind: OneOf(NOTIFICATION_KINDS),
  channel: OneOf(['email', 'chat'] as const),
  caseId: Nullable(Id()),
  subject: Text(1000),
  body: Text(20_000),
  status: OneOf(['pending', 'sent', 'failed'] as const),
  attempts: Count(),
  lastError: Nullable(Text(1000)),
  createdAt: Timestamp(),
  sentAt: Nullable(Timestamp()),
});
export type NotificationView = Static<typeof notificationViewSchema>;
export const notificationListSchema = List(notificationViewSchema, 200);

/** A tenant's team-chat channel (its URL is never shown back). */
export const notificationChannelViewSchema = Type.Object({
  id: Id(),
  format: OneOf(['slack', 'teams'] as const),
  host: Text(300),
  kinds: List(OneOf(TEAM_CHAT_KINDS), TEAM_CHAT_KINDS.length),
  createdAt: Timestamp(),
});
export type NotificationChannelView = Static<typeof notificationChannelViewSchema>;
export const notificationChannelListSchema = List(notificationChannelViewSchema, 100);
