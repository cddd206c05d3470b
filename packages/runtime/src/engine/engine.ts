import { activeNodeIds, flowInitialTransition, flowTransition, invoiceForFeel, type CaseChangedMessage, type CaseEvent, type Invoice } from '@exflow/shared';
import type { AnyMachineSnapshot, StateValue } from 'xstate';
import { CaseClosed, EventNotAccepted, notFound, VersionConflict } from '../errors.js';
import { isLocalService, type ServiceRegistry } from '../services/registry.js';
import { createAuditRepository } from '../store/auditRepository.js';
import { createCaseRepository, LIVE_STATUSES, type CaseRecord, type CaseStatus, type IncidentWrite, type WrittenTransition } from '../store/caseRepository.js';
import { createIncidentRepository } from '../store/incidentRepository.js';
import type { Db } from '../store/db.js';
import { createDefinitionRepository } from '../store/definitionRepository.js';
import { createEffectRepository } from '../store/effectRepository.js';
import { newId } from '../store/ids.js';
import { createInvoiceRepository } from '../store/invoiceRepository.js';
import type { UnitOfWork } from '../store/unitOfWork.js';
import { loadBusinessCalendar } from './businessCalendar.js';
import { needsBusinessCalendar, planEffects, type EffectPlan, type PlannedEffect } from './effectPlan.js';
import { createEventBus, createPublisher, type EventBus } from './eventBus.js';
import { createKeyedMutex } from './keyedMutex.js';
import { createMachineCache, type FlowMachine } from './machineCache.js';
import { createRecentCases } from './recentCases.js';

/** A committed change to a case, as published to realtime listeners. */
/** A committed change: the `case.changed` message (declared in shared) plus the tenant it belongs to. */
export type CaseChange = CaseChangedMessage & { tenantId: string };

export interface EngineOptions {
  db: Db;
  /** Where committed changes are announced (`case.changed`, `work.queued`), after commit. */
  bus?: EventBus;
  /**
   * The services: those marked local (`localService`, checks whose inputs are in the
   * database) run inside the transition's transaction instead of through the outbox.
   */
  services?: ServiceRegistry;
  now?: () => number;
  /** Open cases whose last committed state is remembered (default 10,000; the least recently used go first). */
  recentCases?: number;
}

export interface StartOptions {
  /** The caller's unit of work (the invoice and its case commit together; published after commit). */
  unit?: UnitOfWork;
}

/** A call that failed past its retry policy, at a step with no error edge to take. */
export interface IncidentRaise {
  effectId: string;
  nodeId: string;
  service: string | null;
  error: string;
  /** Why the retries stopped: `attempts`, `deadline` or `non-retryable`. */
  reason: string;
  attempts: number;
}

export interface SendOptions {
  /** Work to do in the same transaction, before the transition is written. */
  within?: (trx: Db) => Promise<void>;
}

/**
 * What a decision taken on a locked case returns: the event to apply in the same transaction
 * (none when the decision changes only its own rows, e.g. a first of two approvals) and the
 * decider's own answer.
 */
export interface Decision<T> {
  event?: CaseEvent;
  result: T;
}

export interface DecideOptions {
  /**
   * Reads and locks the case row (`FOR UPDATE`) in the decision's transaction, instead of the
   * engine's own read: a decider that also locks its own rows can take them in the same
   * statement, the case's first. `undefined` when there is no such case.
   */
  lock?: (trx: Db) => Promise<CaseRecord | undefined>;
}

/** A decision's answer, and the case as committed when it applied an event. */
export interface Decided<T> {
  result: T;
  change?: CaseChange;
}

const MAX_RETRIES = 25;
/** Local steps one event may run in its transaction (a loop of checks stops here; the rest go to the outbox). */
const MAX_LOCAL_STEPS = 16;

/** Work a committed change left for the workers: outbox effects due now, timers, webhook deliveries, claimed messages. */
interface Queued {
  effects: number;
  timerDueAt: number[];
  webhooks: number;
  messages: number;
}

/** The transitions one event caused (its own, then those of local steps), and the case after them. */
interface Applied {
  changes: { change: CaseChange; queued: Queued }[];
  record: CaseRecord;
  /** The case's invoice, once a local step read it (or intake gave it): the next local step needs no read. */
  invoice?: Invoice | null;
}

const isNotAccepted = (e: unknown) => e instanceof EventNotAccepted || e instanceof CaseClosed;
const queuedBy = (plan: EffectPlan, local: number, written?: WrittenTransition): Queued => ({
  effects: plan.effects.length - local,
  timerDueAt: plan.timers.map((t) => Date.parse(t.due_at)),
  webhooks: written?.webhooks ?? 0,
  messages: written?.messages ?? 0,
});

function statusOf(snapshot: AnyMachineSnapshot, flow: FlowMachine['flow']): { status: CaseStatus; outcome: string | null } {
  if (snapshot.status !== 'done') return { status: 'open', outcome: null };
  const outcome = flow.outcomes[String(snapshot.value)] ?? 'resolved';
  return { status: outcome as CaseStatus, outcome };
}

function persisted(snapshot: AnyMachineSnapshot) {
  return { status: snapshot.status, value: snapshot.value, context: snapshot.context };
}

/**
 * The durable case engine: pure XState transitions, persisted with their effects as data in
 * one statement per event. Events on one case are serialised in this process by a keyed
 * mutex and across processes by the version check (a lost race is retried).
 */
export function createEngine({ db, bus = createEventBus(), services = new Map(), now = Date.now, recentCases = 10_000 }: EngineOptions) {
  const machines = createMachineCache();
  const caseLock = createKeyedMutex();
  const publisher = createPublisher(bus);
  const publish = (applied: Applied) => {
    for (const { change, queued } of applied.changes) publisher.caseChanged(change, queued);
  };
  const isLocal = (effect: PlannedEffect) => isLocalService(services.get(effect.service));

  const loadMachine = (exec: Db, tenantId: string, definitionId: string, version: number) =>
    machines.get(tenantId, definitionId, version, async () => {
      const found = await createDefinitionRepository(exec).getVersion(tenantId, definitionId, version);
      if (!found) throw notFound('definition version', `${definitionId}@${version}`);
      return found.compiled;
    });

  const toChange = (
    tenantId: string,
    caseId: string,
    definitionId: string,
    version: number,
    s: { status: CaseStatus; outcome: string | null },
    activeNodes: string[],
    event: CaseEvent,
    actor: string | null,
    plan: EffectPlan,
  ): CaseChange => ({
    tenantId,
    caseId,
    definitionId,
    version,
    status: s.status,
    outcome: s.outcome,
    activeNodes,
    event: { type: event.type, seq: version, actor },
    tasksOpened: plan.openTasks.map((t) => ({ id: t.id, nodeId: t.node_id, queue: t.queue, title: t.title })),
    tasksClosedNodes: plan.closeTaskNodes,
  });

  /**
   * The last committed state of recently used cases, so a send usually costs one round trip.
   * Only an optimisation: the version check in the write catches a stale entry (another
   * process moved the case), which is then dropped and re-read.
   */
  const recent = createRecentCases(recentCases);

  /**
   * Runs the local effects a transition planned, in its transaction `trx`: each service is
   * called with `trx` (inside a savepoint), its effect row marked done, and its `service.done`
   * applied as the next transition (which may plan more local steps). A service that throws
   * is left to the effect worker and its retry policy. Returns how many were left to it.
   */
  async function runLocal(trx: Db, applied: Applied, local: PlannedEffect[], budget: { steps: number }): Promise<number> {
    let leftToWorker = 0;
    for (const effect of local) {
      const { tenantId, id: caseId, invoiceId, snapshot } = applied.record;
      if (budget.steps-- <= 0) {
        leftToWorker++;
        continue;
      }
      let result: unknown;
      try {
        result = await trx.transaction(async (sp) => {
          if (applied.invoice === undefined) applied.invoice = invoiceId ? await createInvoiceRepository(sp).body(tenantId, invoiceId) : null;
          const invoice = applied.invoice;
          const call = {
            tenantId,
            caseId,
            nodeId: effect.node_id,
            params: effect.params,
            invoice,
            invoiceId: invoiceId ?? null,
            vars: snapshot.context.vars ?? {},
            idempotencyKey: effect.id,
            db: sp,
          };
          const answer = await services.get(effect.service)!(call);
          if (!(await createEffectRepository(sp).completeLocal(tenantId, effect.id, answer))) throw new Error('effect already taken');
          return answer;
        });
      } catch {
        leftToWorker++;
        continue;
      }
      try {
        const next = await apply(
          trx,
          tenantId,
          caseId,
          { type: 'service.done', nodeId: effect.node_id, effectId: effect.id, result } as CaseEvent,
          'system',
          applied.record,
          budget,
          applied.invoice,
        );
        applied.changes.push(...next.changes);
        applied.record = next.record;
      } catch (e) {
        if (!isNotAccepted(e)) throw e; // the step was left meanwhile: its answer is not needed
      }
    }
    return leftToWorker;
  }

  async function apply(
    exec: Db,
    tenantId: string,
    caseId: string,
    event: CaseEvent,
    actor: string | null,
    known?: CaseRecord,
    budget = { steps: MAX_LOCAL_STEPS },
    invoice?: Invoice | null,
  ): Promise<Applied> {
    const cases = createCaseRepository(exec);
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      const cached = known ? undefined : recent.get(tenantId, caseId);
      const record = known ?? cached ?? (await cases.get(tenantId, caseId));
      known = undefined;
      if (!record) throw notFound('case', caseId);
      const refuse = (error: Error) => {
        if (!cached) throw error;
        recent.drop(tenantId, caseId); // maybe stale: decide on what the database says
      };
      if (!LIVE_STATUSES.includes(record.status)) {
        refuse(new CaseClosed(caseId, record.status));
        continue;
      }
      const { machine, flow } = await loadMachine(exec, tenantId, record.definitionId, record.definitionVersion);
      const current = machine.resolveState({ value: record.snapshot.value as StateValue, context: record.snapshot.context });
      const withActor = { ...event, actor };
      if (!current.can(withActor)) {
        refuse(
          new EventNotAccepted(
            caseId,
            `Case ${caseId} is at ${record.activeNodes.join(', ') || 'no step'} and does not accept "${event.type}" there; nothing was changed`,
          ),
        );
        continue;
      }
      const [next, actions] = flowTransition(machine, current, withActor);
      const calendar = needsBusinessCalendar(actions) ? await loadBusinessCalendar(exec, tenantId) : undefined;
      const plan = planEffects(actions, now(), next.context, calendar);
      let state = statusOf(next, flow);
      const activeNodes = activeNodeIds(next.value);
      // a case in an incident stays in it while it still waits at an incident's step
      const waiting = record.status === 'incident' ? await createIncidentRepository(exec).openForCase(tenantId, caseId) : [];
      const left = waiting.filter((i) => next.status === 'done' || !activeNodes.includes(i.nodeId));
      if (state.status === 'open' && left.length < waiting.length) state = { status: 'incident', outcome: null };
      const incidents: IncidentWrite | undefined = left.length
        ? { resolveNodes: left.map((i) => i.nodeId), resolution: event.type === 'service.done' ? 'retried' : event.type }
        : undefined;
      const { type, actor: _actor, ...payload } = withActor;
      const snapshot = persisted(next);
      const write = async (x: Db) => {
        const written = await createCaseRepository(x).writeTransition({
          tenantId,
          caseId,
          expectedVersion: record.version,
          snapshot,
          ...state,
          activeNodes,
          event: { type, payload },
          actor,
          plan,
          incidents,
        });
        // audited one row at a time: each row links to the one before it in the case's chain
        for (const i of written === null ? [] : left) {
          await createAuditRepository(x).record(tenantId, {
            caseId,
            actor,
            action: 'incident.resolved',
            entity: 'incident',
            entityId: i.id,
            data: { nodeId: i.nodeId, effectId: i.effectId, resolution: incidents!.resolution, version: written!.version },
          });
        }
        return written;
      };
      const local = plan.effects.filter(isLocal);
      const commit = async (x: Db): Promise<Applied | null> => {
        const written = await write(x);
        if (written === null) return null;
        const { version } = written;
        const own = {
          change: toChange(tenantId, caseId, record.definitionId, version, state, activeNodes, event, actor, plan),
          queued: queuedBy(plan, local.length, written),
        };
        const applied: Applied = {
          changes: [own],
          record: { ...record, version, snapshot: snapshot as CaseRecord['snapshot'], status: state.status, outcome: state.outcome, activeNodes },
          invoice,
        };
        if (local.length) own.queued.effects += await runLocal(x, applied, local, budget);
        return applied;
      };
      const applied = (left.length || local.length) && !exec.isTransaction ? await exec.transaction(commit) : await commit(exec);
      if (applied) return applied;
      // another process wrote first: forget what we knew, back off a little, re-read, retry
      recent.drop(tenantId, caseId);
      await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
    }
    throw new VersionConflict(caseId);
  }

  /** Puts a case in an incident at a step; refuses (409) when the case no longer waits there. */
  async function raise(exec: Db, tenantId: string, caseId: string, incident: IncidentRaise): Promise<Applied> {
    const cases = createCaseRepository(exec);
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      const record = await cases.get(tenantId, caseId);
      if (!record) throw notFound('case', caseId);
      if (!LIVE_STATUSES.includes(record.status)) throw new CaseClosed(caseId, record.status);
      if (!record.activeNodes.includes(incident.nodeId)) throw new EventNotAccepted(caseId, `Case ${caseId} no longer waits at ${incident.nodeId}`);
      const state = { status: 'incident' as const, outcome: null };
      const event = { type: 'incident.raised', ...incident };
      const { type, ...payload } = event;
      const empty = planEffects([], now());
      const written = await cases.writeTransition({
        tenantId,
        caseId,
        expectedVersion: record.version,
        snapshot: record.snapshot,
        ...state,
        activeNodes: record.activeNodes,
        event: { type, payload },
        actor: 'system',
        plan: empty,
        incidents: { raise: { id: newId(), ...incident } },
      });
      if (written !== null) {
        const { version } = written;
        return {
          changes: [
            {
              change: toChange(tenantId, caseId, record.definitionId, version, state, record.activeNodes, event as CaseEvent, 'system', empty),
              queued: queuedBy(empty, 0, written),
            },
          ],
          record: { ...record, version, ...state },
        };
      }
      await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
    }
    throw new VersionConflict(caseId);
  }

  return {
    /**
     * The last committed state of a case this process changed recently, when it is at least at
     * `minVersion`; `undefined` otherwise (read it from the database). Another process may have
     * moved the case since: use it where reading the database now would be as good as then.
     */
    recentCase(tenantId: string, caseId: string, minVersion = 0): CaseRecord | undefined {
      const record = recent.get(tenantId, caseId);
      return record && record.version >= minVersion ? record : undefined;
    },

    /**
     * The case waits in an incident at `incident.nodeId`: status `incident`, the step stays
     * current, an `incident.raised` event and audit row, an open incident row. A later
     * `service.done` for the step (a successful retry) resolves it and the case moves on.
     */
    async raiseIncident(tenantId: string, caseId: string, incident: IncidentRaise, options: SendOptions = {}): Promise<CaseChange> {
      const raised = await caseLock.run(caseId, async () => {
        const done = await db.transaction(async (trx) => {
          await options.within?.(trx);
          return raise(trx, tenantId, caseId, incident);
        });
        recent.set(done.record);
        return done;
      });
      publish(raised);
      return raised.changes[0]!.change;
    },

    /**
     * Opens a case on a published version for an invoice; runs it to its first wait (local
     * checks included). With `unit`, in the caller's transaction, published after its commit.
     * Returns the case as committed: the last transition's change.
     */
    async startCase(
      tenantId: string,
      input: { definitionId: string; version: number; invoiceId: string | null; invoice: Invoice; triage?: Record<string, unknown> },
      actor: string | null,
      options: StartOptions = {},
    ): Promise<CaseChange> {
      const exec = options.unit?.trx ?? db;
      const { machine, flow } = await loadMachine(exec, tenantId, input.definitionId, input.version);
      const [snapshot, actions] = flowInitialTransition(machine, { invoice: invoiceForFeel(input.invoice), ...(input.triage ? { triage: input.triage } : {}) });
      const calendar = needsBusinessCalendar(actions) ? await loadBusinessCalendar(exec, tenantId) : undefined;
      const plan = planEffects(actions, now(), snapshot.context, calendar);
      const caseId = newId();
      const state = statusOf(snapshot, flow);
      const activeNodes = activeNodeIds(snapshot.value);
      const event = { type: 'case.started', invoiceId: input.invoiceId };
      const local = plan.effects.filter(isLocal);
      const begin = async (x: Db): Promise<Applied> => {
        const written = await createCaseRepository(x).writeTransition({
          tenantId,
          caseId,
          expectedVersion: 0,
          create: { definitionId: input.definitionId, definitionVersion: input.version, invoiceId: input.invoiceId },
          snapshot: persisted(snapshot),
          ...state,
          activeNodes,
          event: { type: event.type, payload: { invoiceId: input.invoiceId } },
          actor,
          plan,
        });
        const own = {
          change: toChange(tenantId, caseId, input.definitionId, 1, state, activeNodes, event, actor, plan),
          queued: queuedBy(plan, local.length, written ?? undefined),
        };
        const at = new Date(now()).toISOString();
        const record: CaseRecord = {
          tenantId,
          id: caseId,
          definitionId: input.definitionId,
          definitionVersion: input.version,
          invoiceId: input.invoiceId,
          ...state,
          version: 1,
          snapshot: persisted(snapshot) as CaseRecord['snapshot'],
          activeNodes,
          openedAt: at,
          updatedAt: at,
          closedAt: null,
        };
        // the invoice as intake stored it in this transaction (JSON: what a read would give back)
        const invoice = input.invoiceId ? (JSON.parse(JSON.stringify(input.invoice)) as Invoice) : null;
        const applied: Applied = { changes: [own], record, invoice };
        if (local.length) own.queued.effects += await runLocal(x, applied, local, { steps: MAX_LOCAL_STEPS });
        return applied;
      };
      const applied = local.length && !options.unit ? await db.transaction(begin) : await begin(exec);
      // remembered once committed, so the case's next event (a task completion, a service answer) needs no read
      const committed = () => {
        recent.set(applied.record);
        publish(applied);
      };
      if (options.unit) options.unit.afterCommit(committed);
      else committed();
      return applied.changes[applied.changes.length - 1]!.change;
    },

    /**
     * Decides on a case and applies the decision in ONE transaction: the case row is locked
     * (`FOR UPDATE`), `decide` reads and locks what else it needs through `trx` (a task row,
     * its approvals) and returns the event to apply, if any, with its answer. Whatever `decide`
     * wrote commits with the transition or not at all; a decision that throws changes nothing.
     * Nothing another writer commits meanwhile can slip between the decision and the transition.
     */
    async decide<T>(
      tenantId: string,
      caseId: string,
      actor: string | null,
      decide: (trx: Db, record: CaseRecord) => Promise<Decision<T>>,
      options: DecideOptions = {},
    ): Promise<Decided<T>> {
      const done = await caseLock.run(caseId, async () => {
        const decided = await db.transaction(async (trx) => {
          const record = await (options.lock ?? ((x: Db) => createCaseRepository(x).getForUpdate(tenantId, caseId)))(trx);
          if (!record) throw notFound('case', caseId);
          const decision = await decide(trx, record);
          return { decision, applied: decision.event ? await apply(trx, tenantId, caseId, decision.event, actor, record) : undefined };
        });
        if (decided.applied) recent.set(decided.applied.record); // only once committed
        return decided;
      });
      if (done.applied) publish(done.applied);
      return { result: done.decision.result, change: done.applied?.changes.at(-1)?.change };
    },

    /**
     * Applies one event to a case. Refuses (409) an event the current state does not accept,
     * and changes nothing then. With `within`, that work and the transition share one
     * transaction (a task marked completed together with the event that completes it).
     * Local checks the transition asks for run in the same transaction. Returns the case as
     * committed (the last transition's change); every change is published after commit.
     */
    async send(tenantId: string, caseId: string, event: CaseEvent, actor: string | null, options: SendOptions = {}): Promise<CaseChange> {
      // The lock is taken before any connection: with PGlite's single connection, waiting for
      // the lock while holding a transaction would deadlock against the lock's holder.
      const applied = await caseLock.run(caseId, async () => {
        const done = options.within
          ? await db.transaction(async (trx) => {
              await options.within!(trx);
              return apply(trx, tenantId, caseId, event, actor);
            })
          : await apply(db, tenantId, caseId, event, actor);
        recent.set(done.record); // only once committed
        return done;
      });
      publish(applied);
      return applied.changes[applied.changes.length - 1]!.change;
    },
  };
}

export type Engine = ReturnType<typeof createEngine>;
