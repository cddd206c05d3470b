import type { Server as HttpServer } from 'node:http';
import type { CaseChangedMessage, EffectFailedMessage, TaskChangedMessage } from '@exflow/shared';
import { createAdapter } from '@socket.io/postgres-adapter';
import type pg from 'pg';
import { Server, type Socket } from 'socket.io';
import type { Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/roles.js';
import { actAsTenant } from '../auth/tenancy.js';
import type { CaseChange } from '../engine/engine.js';
import type { EventBus } from '../engine/eventBus.js';
import type { Db } from '../store/db.js';
import { createCaseRepository } from '../store/caseRepository.js';
import { createDefinitionRepository } from '../store/definitionRepository.js';
import type { TaskRecord } from '../store/taskRepository.js';

/** A task change that is not a case transition: a person took, gave back or re-ranked a task. */
export type TaskChangeKind = Exclude<TaskChangedMessage['change'], 'opened'>;
export type TaskChangeSubject = Pick<TaskRecord, 'id' | 'caseId' | 'queue' | 'title' | 'assignee' | 'status' | 'priority'>;

/** What the rest of the runtime tells listeners, always after the change committed. */
export interface Realtime {
  caseChanged(change: CaseChange): void;
  taskChanged(tenantId: string, task: TaskChangeSubject, change: TaskChangeKind): void;
  /** A failed attempt of an outbound call, to the case's room of its own tenant only. */
  effectFailed(tenantId: string, failure: EffectFailedMessage): void;
  /**
   * Drops every live socket of a principal (a user id, or `apikey:<id>` for a key), on every
   * runtime process: call it after revoking a key or disabling a user has committed.
   */
  disconnect(tenantId: string, principalId: string): Promise<void>;
  close(): Promise<void>;
  /** Socket.IO clients connected to this process. */
  clients(): number;
}

export interface RealtimeOptions {
  /**
   * A PostgreSQL pool: messages then go through the Socket.IO Postgres adapter (LISTEN/NOTIFY),
   * so a change committed by one runtime process reaches the clients of every process.
   */
  pool?: Pick<pg.Pool, 'query' | 'connect'>;
  /** NOTIFY channel prefix; processes that share it share their broadcasts. */
  channelPrefix?: string;
  /** A NOTIFY or LISTEN that failed (the database went away); the adapter carries on. */
  onError?: (error: unknown) => void;
  /** The runtime's event bus: committed case and task changes and revocations reach clients from it. */
  bus?: EventBus;
}

const roomOf = (tenantId: string, kind: 'tenant' | 'case' | 'queue' | 'definition' | 'principal', id: string) => `${tenantId}|${kind}|${id}`;
/** Rooms a client may join and leave; its tenant and principal rooms are the server's. */
const CLIENT_ROOM_KINDS = ['case', 'queue', 'definition'];

type Ack = (answer: { ok: true; room: string } | { ok: false; error: string }) => void;

/**
 * Socket.IO with a bearer token on the handshake. A client is put in its tenant's room and may
 * join `case:<id>`, `queue:<name>` and `definition:<id>` rooms of its own tenant only.
 */
export function createRealtime(http: HttpServer, authenticator: Authenticator, db: Db, options: RealtimeOptions = {}): Realtime {
  const io = new Server(http, { path: '/socket.io', serveClient: false, cors: { origin: false } });
  if (options.pool) {
    io.adapter(createAdapter(options.pool as pg.Pool, { channelPrefix: options.channelPrefix ?? 'socket.io', errorHandler: options.onError ?? (() => {}) }));
  }

  io.use(async (socket, next) => {
    const token = socket.handshake.auth?.token;
    if (typeof token !== 'string') return next(new Error('unauthorized: pass { auth: { token } } with a bearer token'));
    try {
      const who = await authenticator.authenticate(token);
      const actingIn = socket.handshake.auth?.tenant;
      // the same rule as the X-Exflow-Tenant header: a platform admin, in one of its MSP's clients
      socket.data.home = who.tenantId;
      socket.data.principal = typeof actingIn === 'string' && actingIn ? await actAsTenant(db, who, actingIn) : who;
      next();
    } catch (e) {
      next(new Error(`unauthorized: ${(e as Error).message}`));
    }
  });

  const canJoin = async (p: Principal, kind: string, id: string): Promise<string | undefined> => {
    if (!id) return 'a room id is needed after the colon';
    if (kind === 'case') return (await createCaseRepository(db).get(p.tenantId, id)) ? undefined : `no case ${id}`;
    if (kind === 'definition') return (await createDefinitionRepository(db).get(p.tenantId, id)) ? undefined : `no definition ${id}`;
    if (kind === 'queue') return undefined;
    return `unknown room kind "${kind}"; use case:<id>, queue:<name> or definition:<id>`;
  };

  io.on('connection', (socket: Socket) => {
    const principal = socket.data.principal as Principal;
    socket.join(roomOf(principal.tenantId, 'tenant', principal.tenantId));
    // one room per principal, so revoking a key or disabling a user reaches its sockets on any process
    // (in its home tenant, where revocations are sent, also while acting in a client)
    socket.join(roomOf(socket.data.home as string, 'principal', principal.userId));
    // a revocation that committed between the handshake and joining that room missed this socket
    authenticator.authenticate(socket.handshake.auth.token).catch(() => socket.disconnect(true));
    socket.on('join', async (request: { room?: unknown }, ack?: Ack) => {
      const reply: Ack = typeof ack === 'function' ? ack : () => {};
      const name = typeof request?.room === 'string' ? request.room : '';
      const [kind, ...rest] = name.split(':');
      const id = rest.join(':');
      const refused = await canJoin(principal, kind, id).catch((e: Error) => e.message);
      if (refused) return reply({ ok: false, error: refused });
      await socket.join(roomOf(principal.tenantId, kind as 'case', id));
      reply({ ok: true, room: name });
    });
    socket.on('leave', async (request: { room?: unknown }, ack?: Ack) => {
      const name = typeof request?.room === 'string' ? request.room : '';
      const [kind, ...rest] = name.split(':');
      if (!CLIENT_ROOM_KINDS.includes(kind)) {
        if (typeof ack === 'function') ack({ ok: false, error: `unknown room kind "${kind}"; use case:<id>, queue:<name> or definition:<id>` });
        return;
      }
      await socket.leave(roomOf(principal.tenantId, kind as 'case', rest.join(':')));
      if (typeof ack === 'function') ack({ ok: true, room: name });
    });
  });

  const realtime: Realtime = {
    caseChanged(change) {
      const { tenantId } = change;
      const message: CaseChangedMessage = {
        caseId: change.caseId,
        definitionId: change.definitionId,
        version: change.version,
        status: change.status,
        outcome: change.outcome,
        activeNodes: change.activeNodes,
        event: change.event,
        tasksOpened: change.tasksOpened,
        tasksClosedNodes: change.tasksClosedNodes,
      };
      io.to([roomOf(tenantId, 'tenant', tenantId), roomOf(tenantId, 'case', change.caseId), roomOf(tenantId, 'definition', change.definitionId)]).emit(
        'case.changed',
        message,
      );
      for (const task of change.tasksOpened) {
        io.to(roomOf(tenantId, 'queue', task.queue)).emit('task.changed', {
          change: 'opened',
          taskId: task.id,
          caseId: change.caseId,
          queue: task.queue,
          title: task.title,
          caseVersion: change.version,
        } satisfies TaskChangedMessage);
      }
    },
    taskChanged(tenantId, task, change) {
      io.to([roomOf(tenantId, 'queue', task.queue), roomOf(tenantId, 'case', task.caseId)]).emit('task.changed', {
        change,
        taskId: task.id,
        caseId: task.caseId,
        queue: task.queue,
        title: task.title,
        assignee: task.assignee,
        status: task.status,
        priority: task.priority,
      } satisfies TaskChangedMessage);
    },
    effectFailed(tenantId, failure) {
      io.to(roomOf(tenantId, 'case', failure.caseId)).emit('effect.failed', failure);
    },
    async disconnect(tenantId, principalId) {
      // through the adapter: the sockets of every process sharing the PostgreSQL
      io.in(roomOf(tenantId, 'principal', principalId)).disconnectSockets(true);
    },
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
    clients: () => io.engine.clientsCount,
  };
  const bus = options.bus;
  if (!bus) return realtime;
  const subscriptions = [
    bus.on('case.changed', (change) => realtime.caseChanged(change)),
    bus.on('task.changed', ({ tenantId, task, change }) => realtime.taskChanged(tenantId, task, change)),
    bus.on('effect.failed', ({ tenantId, failure }) => realtime.effectFailed(tenantId, failure)),
    bus.on('principal.revoked', ({ tenantId, principalId }) => void realtime.disconnect(tenantId, principalId)),
  ];
  return {
    ...realtime,
    close() {
      for (const unsubscribe of subscriptions) unsubscribe();
      return realtime.close();
    },
  };
}
