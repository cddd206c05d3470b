import { durationToMs } from '@exflow/shared';
import type { Engine } from '../engine/engine.js';
import { CaseClosed, EventNotAccepted, ProblemError, unprocessable } from '../errors.js';
import type { Db } from '../store/db.js';
import { newId } from '../store/ids.js';
import { createMessageRepository, type MessageRecord, type WaitingSubscription } from '../store/messageRepository.js';

/** How long a message no case waits for yet is kept for one that will (Camunda's message TTL). */
export const DEFAULT_MESSAGE_TTL = 'PT1H';
/** The longest a message may be buffered. */
export const MAX_MESSAGE_TTL_MS = 30 * 24 * 3600_000;

export interface InboundMessage {
  name: string;
  correlationKey: string;
  payload?: unknown;
  /** With `source`, what makes a redelivery the same message (acted on once). Default: a new id. */
  id?: string;
  source: string;
  /** ISO 8601 duration to buffer it when no case waits yet; default {@link DEFAULT_MESSAGE_TTL}. */
  ttl?: string;
}

export interface MessageOutcome {
  id: string;
  status: MessageRecord['status'];
  /** A redelivery of a message already received: nothing was done again. */
  duplicate: boolean;
  deliveredTo: WaitingSubscription[];
  expiresAt: string;
}

const notWaiting = (e: unknown) => e instanceof EventNotAccepted || e instanceof CaseClosed || (e instanceof ProblemError && e.code === 'not-found');

/** The event a waiting case receives for a message. */
export const messageEvent = (m: MessageRecord, nodeId: string) => ({
  type: 'message.received',
  nodeId,
  name: m.name,
  correlationKey: m.correlationKey,
  payload: m.payload,
  messageId: m.id,
  source: m.source,
  externalId: m.messageId,
});

/** The TTL in ms, or a 422 naming `field`. */
export function messageTtlMs(ttl: string | undefined, field: string): number {
  const ms = durationToMs(ttl ?? DEFAULT_MESSAGE_TTL);
  if (ms === undefined || ms > MAX_MESSAGE_TTL_MS) {
    throw unprocessable('invalid-body', `${field} "${ttl}" is not an ISO 8601 duration of at most 30 days, like PT1H or P2D`, [
      { path: field, message: 'not an ISO 8601 duration up to P30D' },
    ]);
  }
  return ms;
}

/**
 * Receives a message: recorded once per (source, id), sent as `message.received` to every case
 * of the tenant waiting for its name and correlation value, else buffered for its TTL (the first
 * case to wait for it later claims it in its own transition, see caseRepository.writeTransition).
 */
export async function receiveMessage(db: Db, engine: Engine, tenantId: string, input: InboundMessage, actor: string | null): Promise<MessageOutcome> {
  const ttlMs = messageTtlMs(input.ttl, '/ttl');
  const messages = createMessageRepository(db);
  const { created, message } = await messages.receive(tenantId, {
    source: input.source,
    messageId: input.id ?? newId(),
    name: input.name,
    correlationKey: input.correlationKey,
    payload: input.payload ?? null,
    ttlMs,
    receivedBy: actor,
  });
  if (!created) return { id: message.id, status: message.status, duplicate: true, deliveredTo: message.deliveredTo, expiresAt: message.expiresAt };
  const delivered: WaitingSubscription[] = [];
  for (const waiting of await messages.waiting(tenantId, input.name, input.correlationKey)) {
    try {
      await engine.send(tenantId, waiting.caseId, messageEvent(message, waiting.nodeId), actor);
      delivered.push(waiting);
    } catch (e) {
      if (!notWaiting(e)) throw e; // the case moved on meanwhile: it no longer waits
    }
  }
  const settled = await messages.settle(tenantId, message.id, delivered);
  return { id: settled.id, status: settled.status, duplicate: false, deliveredTo: delivered, expiresAt: settled.expiresAt };
}

// an internal sentinel, never an HTTP answer: another worker delivered the message first
const skipped = new Error('message delivered by another worker');

/**
 * Delivers buffered messages that a case claimed when it began waiting (and, as a fallback,
 * claims buffered messages a waiting case matches). A case that no longer waits gives its
 * claim back, so the message stays buffered for another.
 */
export function createMessageWorker({ db, engine, log = () => {} }: { db: Db; engine: Engine; log?: (m: string, c: Record<string, unknown>) => void }) {
  const messages = createMessageRepository(db);
  return {
    async tick(): Promise<number> {
      await messages.sweep(50);
      let done = 0;
      for (const m of await messages.claimed(20)) {
        try {
          await engine.send(m.tenantId, m.claimedCaseId!, messageEvent(m, m.claimedNodeId!), 'system', {
            within: async (trx) => {
              if (!(await createMessageRepository(trx).delivered(m))) throw skipped;
            },
          });
          done++;
        } catch (e) {
          if (e === skipped) continue;
          if (notWaiting(e)) {
            await messages.release(m);
            continue;
          }
          log('message worker error', { messageId: m.id, error: String(e) });
        }
      }
      return done;
    },
  };
}
