import {
  chatPayload,
  nextRetry,
  renderNotification,
  slaPhase,
  TEAM_CHAT_KINDS,
  type NotificationFacts,
  type NotificationKind,
  type RetryPolicy,
} from '@exflow/shared';
import type { Transporter } from 'nodemailer';
import { egressFetch } from '../services/egress.js';
import { PermanentServiceError } from '../services/registry.js';
import type { Db } from '../store/db.js';
import { createEgressAllowRepository } from '../store/egressAllowRepository.js';
import {
  createNotificationRepository,
  type ClaimedNotification,
  type NewNotification,
  type NotificationChannel,
  type Recipient,
} from '../store/notificationRepository.js';

type Log = (m: string, c: Record<string, unknown>) => void;

/**
 * How long after its start a transaction may still commit a row the notifier must see: each
 * source is read again from this far before where it was read to (messages are made once per
 * dedupe key, so reading a row twice adds nothing).
 */
const COMMIT_MARGIN_MS = 60_000;
/** Rows a source reads per tick. */
const PAGE = 500;

const CURSOR_SOURCES = ['task.reassigned', 'comment.mentions', 'incident.raised'];

const sameTeamKind = (kind: NotificationKind) => (TEAM_CHAT_KINDS as readonly NotificationKind[]).includes(kind);

/**
 * Derives notifications from durable facts — a reassignment's audit row, a comment's mentions,
 * a task's SLA clock (80 % used, then due), an incident, the leads' daily digest — and adds them
 * to the outbox, each once. It keeps no state in memory: after a crash, or in a second process,
 * it reads the same facts and adds nothing twice (docs/integration.md, Notifications).
 */
export function createNotifier({
  db,
  baseUrl,
  email,
  digestHour = 7,
  log = () => {},
}: {
  db: Db;
  /** Where people open Exflow (links in messages). */
  baseUrl: string;
  /** Whether e-mail can be sent (SMTP configured); without it only chat messages are made. */
  email: boolean;
  /** UTC hour from which the day's digest is sent. */
  digestHour?: number;
  log?: Log;
}) {
  const repo = createNotificationRepository(db);

  /** One message per person (by their preferences) and per team channel that carries the kind. */
  function messages(
    tenantId: string,
    kind: NotificationKind,
    key: string,
    facts: NotificationFacts,
    people: Recipient[],
    channels: NotificationChannel[],
  ): NewNotification[] {
    const rendered = renderNotification(kind, facts, baseUrl);
    const base = { tenantId, kind, caseId: facts.caseId ?? null, subject: rendered.subject, body: rendered.text };
    const out: NewNotification[] = [];
    for (const person of people) {
      if (email && person.prefs.email[kind])
        out.push({ ...base, dedupeKey: `${key}:email:${person.userId}`, channel: 'email', userId: person.userId, recipient: person.email, payload: null });
      const hook = person.prefs.chatWebhook;
      if (hook && person.prefs.chat[kind])
        out.push({
          ...base,
          dedupeKey: `${key}:chat:${person.userId}`,
          channel: 'chat',
          userId: person.userId,
          recipient: hook.url,
          payload: chatPayload(hook.format, rendered),
        });
    }
    if (sameTeamKind(kind))
      for (const channel of channels.filter((c) => c.kinds.includes(kind)))
        out.push({
          ...base,
          dedupeKey: `${key}:team:${channel.id}`,
          channel: 'chat',
          userId: null,
          recipient: channel.url,
          payload: chatPayload(channel.format, rendered),
        });
    return out;
  }

  /** Reads one cursor-kept source from a margin before where it stopped; advances the cursor. */
  async function fromCursor<T extends { tenantId: string }>(
    source: string,
    read: (since: Date) => Promise<T[]>,
    at: (row: T) => string,
    key: (row: T) => string,
    derive: (row: T, key: string, channels: NotificationChannel[]) => Promise<NewNotification[]>,
  ): Promise<number> {
    const { readTo, now } = await repo.cursor(source, COMMIT_MARGIN_MS);
    const rows = await read(new Date(readTo.getTime() - COMMIT_MARGIN_MS));
    const channels = new Map<string, NotificationChannel[]>();
    let added = 0;
    for (const row of rows) {
      if (!channels.has(row.tenantId)) channels.set(row.tenantId, await repo.channels(row.tenantId));
      // the event's mark goes with its messages: read again (the margin), it is skipped
      const mark = key(row);
      added += await repo.enqueue(await derive(row, mark, channels.get(row.tenantId)!), [{ tenantId: row.tenantId, key: mark }]);
    }
    // a full page continues from its last row next time; otherwise the source is read to now
    const to = rows.length === PAGE ? new Date(Date.parse(at(rows[rows.length - 1])) + COMMIT_MARGIN_MS) : now;
    await repo.advance(source, to);
    return added;
  }

  const reassignments = () =>
    fromCursor(
      'task.reassigned',
      (since) => repo.reassignmentsSince(since, PAGE),
      (r) => r.createdAt,
      (r) => `taskAssigned:${r.auditId}`,
      async (r, key, channels) =>
        !r.to || r.to === r.actor
          ? []
          : messages(
              r.tenantId,
              'taskAssigned',
              key,
              {
                caseId: r.caseId ?? undefined,
                taskId: r.taskId,
                taskTitle: r.taskTitle ?? undefined,
                invoiceNumber: r.invoiceNumber,
                supplierName: r.supplierName,
                dueAt: r.dueAt,
                byName: r.actorName,
              },
              await repo.recipients(r.tenantId, { userIds: [r.to] }),
              channels,
            ),
    );

  const mentions = () =>
    fromCursor(
      'comment.mentions',
      (since) => repo.mentionsSince(since, PAGE),
      (r) => r.createdAt,
      (r) => `mention:${r.commentId}`,
      async (r, key, channels) =>
        messages(
          r.tenantId,
          'mention',
          key,
          { caseId: r.caseId, text: r.text, byName: r.authorName, invoiceNumber: r.invoiceNumber, supplierName: r.supplierName },
          await repo.recipients(r.tenantId, { userIds: r.mentions.filter((id) => id !== r.author) }),
          channels,
        ),
    );

  const incidents = () =>
    fromCursor(
      'incident.raised',
      (since) => repo.incidentsSince(since, PAGE),
      (r) => r.raisedAt,
      (r) => `incident:${r.incidentId}`,
      async (r, key, channels) =>
        messages(
          r.tenantId,
          'incident',
          key,
          { caseId: r.caseId, stepId: r.nodeId, error: r.error, invoiceNumber: r.invoiceNumber, supplierName: r.supplierName },
          await repo.recipients(r.tenantId, { admins: true, leads: true }),
          channels,
        ),
    );

  /** Open tasks past 80 % of their SLA window (the assignee, or the leads when none) and past due (both). */
  async function slaClocks(): Promise<number> {
    let added = 0;
    const now = new Date();
    const channels = new Map<string, NotificationChannel[]>();
    for (const task of await repo.tasksOnSlaClock(PAGE)) {
      const phase = slaPhase(task.createdAt, task.dueAt, now);
      if (phase === 'ok') continue;
      const mark = `sla:${phase === 'breached' ? 'slaBreached' : 'slaWarning'}:${task.taskId}:${task.dueAt.getTime()}`;
      const people = await repo.recipients(task.tenantId, {
        userIds: task.assignee ? [task.assignee] : [],
        leads: phase === 'breached' || !task.assignee,
      });
      const kind = phase === 'breached' ? 'slaBreached' : 'slaWarning';
      const facts = {
        caseId: task.caseId,
        taskId: task.taskId,
        taskTitle: task.title,
        dueAt: task.dueAt.toISOString(),
        invoiceNumber: task.invoiceNumber,
        supplierName: task.supplierName,
      };
      if (!channels.has(task.tenantId)) channels.set(task.tenantId, await repo.channels(task.tenantId));
      added += await repo.enqueue(messages(task.tenantId, kind, mark, facts, people, channels.get(task.tenantId)!), [{ tenantId: task.tenantId, key: mark }]);
    }
    return added;
  }

  /** From `digestHour` (UTC) on, each person who wants it gets the day's digest once. */
  async function digests(): Promise<number> {
    const now = new Date();
    if (!email || now.getUTCHours() < digestHour) return 0;
    const day = now.toISOString().slice(0, 10);
    let added = 0;
    const facts = new Map<string, NotificationFacts['digest']>();
    for (const { tenantId, recipient } of await repo.dueDigests(day)) {
      if (!facts.has(tenantId)) facts.set(tenantId, await repo.digestFacts(tenantId));
      const mark = `digest:${recipient.userId}:${day}`;
      added += await repo.enqueue(messages(tenantId, 'digest', mark, { digest: facts.get(tenantId) }, [recipient], []), [{ tenantId, key: mark }]);
    }
    return added;
  }

  return {
    /** One pass over every source; the number of messages added. */
    async tick(): Promise<number> {
      if (!email && !(await repo.anyChat())) {
        // no outlet: nothing to tell, and nothing saved up for when one is configured
        await repo.skipTo(CURSOR_SOURCES);
        return 0;
      }
      let added = 0;
      for (const [name, step] of Object.entries({ reassignments, mentions, incidents, slaClocks, digests })) {
        try {
          added += await step();
        } catch (error) {
          log('notifier source failed', { source: name, error: error instanceof Error ? error.message : String(error) });
        }
      }
      return added;
    },
  };
}

const CHAT_TIMEOUT_MS = 10_000;

/**
 * Sends the outbox: e-mail through the SMTP transport, chat posts through the egress policy;
 * retried by the retry policy, then marked failed. At least once: a crash between sending and
 * marking sends that message again.
 */
export function createNotificationSender({
  db,
  transport,
  mailFrom,
  egressAllow = [],
  retryPolicy,
  leaseMs = 30_000,
  log = () => {},
}: {
  db: Db;
  transport?: Transporter;
  mailFrom: string;
  egressAllow?: string[];
  retryPolicy?: RetryPolicy;
  leaseMs?: number;
  log?: Log;
}) {
  const repo = createNotificationRepository(db);

  async function send(n: ClaimedNotification): Promise<void> {
    if (n.channel === 'email') {
      if (!transport) throw new PermanentServiceError('e-mail is not configured (EXFLOW_SMTP_URL)');
      await transport.sendMail({ from: mailFrom, to: n.recipient, subject: n.subject, text: n.body, headers: { 'X-Exflow-Notification': n.dedupeKey } });
      return;
    }
    const allowList = [...egressAllow, ...(await createEgressAllowRepository(db).entriesFor(n.tenantId))];
    const response = await egressFetch(n.recipient, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(n.payload),
      signal: AbortSignal.timeout(CHAT_TIMEOUT_MS),
      allowList,
      maxRedirects: 0,
    });
    response.discard();
    if (response.status >= 200 && response.status < 300) return;
    const message = `chat webhook answered ${response.status}`;
    throw response.status >= 400 && response.status < 500 && response.status !== 429 ? new PermanentServiceError(message) : new Error(message);
  }

  async function deliver(n: ClaimedNotification): Promise<void> {
    try {
      await send(n);
      await repo.sent(n);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const decision = nextRetry(retryPolicy, {
        attempt: n.attempts,
        firstAttemptAt: Date.parse(n.createdAt),
        now: Date.now(),
        nonRetryable: error instanceof PermanentServiceError,
        jitter: Math.random(),
      });
      if (decision.retry) await repo.retryLater(n, decision.delayMs, message);
      else await repo.failed(n, `${message} (${decision.reason})`);
    }
  }

  return {
    async tick(): Promise<number> {
      const due = await repo.claim(10, leaseMs);
      await Promise.all(due.map((n) => deliver(n).catch((e) => log('notification delivery error', { notificationId: n.id, error: String(e) }))));
      return due.length;
    },
  };
}
