/**
 * What Exflow tells people, and in which words: the notification kinds, each person's
 * preferences, the SLA clock that raises warnings, and the text of an e-mail or a chat post.
 * Pure: the runtime's notifier decides who and when from the database, these decide what.
 */

/** Things a person can be told about (docs/integration.md, Notifications). */
export const NOTIFICATION_KINDS = ['taskAssigned', 'mention', 'slaWarning', 'slaBreached', 'incident', 'digest'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Kinds a tenant's team chat channel can carry (personal ones go to a person's own e-mail or chat). */
export const TEAM_CHAT_KINDS = ['slaWarning', 'slaBreached', 'incident'] as const satisfies readonly NotificationKind[];

/** Incoming-webhook formats of team chats. */
export type ChatFormat = 'slack' | 'teams';

/** What a person receives, and where: by e-mail, and/or to their own chat incoming webhook. */
export interface NotificationPreferences {
  email: Record<NotificationKind, boolean>;
  chat: Record<NotificationKind, boolean>;
  /** The person's own incoming webhook (a Slack DM app or a Teams Workflows URL); never shown back whole. */
  chatWebhook: { format: ChatFormat; url: string } | null;
}

const allKinds = (on: boolean, digest: boolean) =>
  Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, k === 'digest' ? digest : on])) as Record<NotificationKind, boolean>;

const booleansOver = (defaults: Record<NotificationKind, boolean>, stored: unknown) => {
  const out = { ...defaults };
  if (stored && typeof stored === 'object')
    for (const kind of NOTIFICATION_KINDS) {
      const value = (stored as Record<string, unknown>)[kind];
      if (typeof value === 'boolean') out[kind] = value;
    }
  return out;
};

/**
 * Stored preferences over the defaults: every kind by e-mail (the digest only for leads),
 * nothing by chat until the person gives a webhook and turns kinds on. Unknown keys and
 * values of the wrong type are ignored.
 */
export function effectivePreferences(stored: Record<string, unknown> | null | undefined, isLead: boolean): NotificationPreferences {
  const hook = stored?.chatWebhook as { format?: unknown; url?: unknown } | null | undefined;
  return {
    email: booleansOver(allKinds(true, isLead), stored?.email),
    chat: booleansOver(allKinds(false, false), stored?.chat),
    chatWebhook: hook && (hook.format === 'slack' || hook.format === 'teams') && typeof hook.url === 'string' ? { format: hook.format, url: hook.url } : null,
  };
}

/** Share of a task's SLA window after which its people are warned. */
export const SLA_WARNING_SHARE = 0.8;

/**
 * Where a task stands on its SLA clock at `now`: `ok` before 80 % of the window from its
 * creation to its due time has passed, `warning` from then until due, `breached` from due on.
 * A task without a due time never warns.
 */
export function slaPhase(createdAt: Date, dueAt: Date | null, now: Date): 'ok' | 'warning' | 'breached' {
  if (!dueAt) return 'ok';
  if (now.getTime() >= dueAt.getTime()) return 'breached';
  const warnAt = createdAt.getTime() + SLA_WARNING_SHARE * (dueAt.getTime() - createdAt.getTime());
  return now.getTime() >= warnAt ? 'warning' : 'ok';
}

/** The facts a message is written from (all optional except what each kind needs). */
export interface NotificationFacts {
  caseId?: string;
  taskId?: string;
  taskTitle?: string;
  invoiceNumber?: string | null;
  supplierName?: string | null;
  dueAt?: string | null;
  byName?: string | null;
  text?: string;
  error?: string;
  stepId?: string;
  digest?: {
    openTasks: number;
    overdueTasks: number;
    breachedToday: number;
    openIncidents: number;
    oldest: { title: string; caseId: string; dueAt: string | null }[];
  };
}

export interface RenderedMessage {
  subject: string;
  text: string;
}

const invoiceOf = (f: NotificationFacts) =>
  [f.invoiceNumber && `invoice ${f.invoiceNumber}`, f.supplierName && `from ${f.supplierName}`].filter(Boolean).join(' ');

const link = (baseUrl: string, caseId?: string) => (caseId ? `${baseUrl.replace(/\/$/, '')}/#/cases/${encodeURIComponent(caseId)}` : baseUrl);

/** Clips a comment quoted in a message. */
const quote = (text = '', max = 280) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Subject and plain text of one notification; `baseUrl` is where people open Exflow. */
export function renderNotification(kind: NotificationKind, facts: NotificationFacts, baseUrl: string): RenderedMessage {
  const about = invoiceOf(facts);
  const open = `Open it: ${link(baseUrl, facts.caseId)}`;
  switch (kind) {
    case 'taskAssigned':
      return {
        subject: `Assigned to you: ${facts.taskTitle ?? 'a task'}${about ? ` (${about})` : ''}`,
        text: `${facts.byName ?? 'A lead'} assigned "${facts.taskTitle ?? 'a task'}" to you${about ? ` for ${about}` : ''}.${facts.dueAt ? ` It is due ${facts.dueAt}.` : ''}\n\n${open}`,
      };
    case 'mention':
      return {
        subject: `${facts.byName ?? 'A colleague'} mentioned you${about ? ` on ${about}` : ''}`,
        text: `${facts.byName ?? 'A colleague'} wrote:\n\n> ${quote(facts.text)}\n\n${open}`,
      };
    case 'slaWarning':
      return {
        subject: `Due soon: ${facts.taskTitle ?? 'a task'}${about ? ` (${about})` : ''}`,
        text: `"${facts.taskTitle ?? 'A task'}"${about ? ` for ${about}` : ''} has used 80 % of its time and is due ${facts.dueAt ?? 'soon'}.\n\n${open}`,
      };
    case 'slaBreached':
      return {
        subject: `Overdue: ${facts.taskTitle ?? 'a task'}${about ? ` (${about})` : ''}`,
        text: `"${facts.taskTitle ?? 'A task'}"${about ? ` for ${about}` : ''} was due ${facts.dueAt ?? 'earlier'} and is still open.\n\n${open}`,
      };
    case 'incident':
      return {
        subject: `Incident: step ${facts.stepId ?? '?'} failed${about ? ` (${about})` : ''}`,
        text: `A case stopped at step ${facts.stepId ?? '?'} after its retries: ${quote(facts.error, 500)}\nRetry it or resolve it under Incidents.\n\n${open}`,
      };
    case 'digest': {
      const d = facts.digest ?? { openTasks: 0, overdueTasks: 0, breachedToday: 0, openIncidents: 0, oldest: [] };
      const oldest = d.oldest.map((t) => `- ${t.title}${t.dueAt ? ` (due ${t.dueAt})` : ''}: ${link(baseUrl, t.caseId)}`).join('\n');
      return {
        subject: `Exflow daily digest: ${d.openTasks} open, ${d.overdueTasks} overdue`,
        text:
          `Open tasks: ${d.openTasks}\nOverdue: ${d.overdueTasks}\nSLA breaches in the last 24 hours: ${d.breachedToday}\nOpen incidents: ${d.openIncidents}` +
          (oldest ? `\n\nMost urgent:\n${oldest}` : '') +
          `\n\n${link(baseUrl)}`,
      };
    }
  }
}

/**
 * The JSON body of a chat post: Slack's incoming webhook takes `{text}` (mrkdwn); Teams'
 * (Workflows / legacy connectors) takes a message with an Adaptive Card attachment.
 */
export function chatPayload(format: ChatFormat, message: RenderedMessage): Record<string, unknown> {
  if (format === 'slack') return { text: `*${message.subject}*\n${message.text}` };
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: message.subject, weight: 'Bolder', wrap: true },
            { type: 'TextBlock', text: message.text, wrap: true },
          ],
        },
      },
    ],
  };
}
