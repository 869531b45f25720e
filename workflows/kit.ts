/**
 * What the case workflow and its child workflows share: activity proxies, the clock
 * registry (every running deadline of one workflow), and the errors an update validator
 * throws (the API maps them: WrongState → 409, Forbidden → 403, ValidationError → 422).
 */
import { ApplicationFailure, condition, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { z } from 'zod';
import type { Activities } from '../activities';
import type { WriteBatchResult, WriteName, WriteOp, Writers } from '../activities/write-batch';
import { DeadlineClock, type ClockHandlers } from './clock';
import { firstIssue } from './steps';
import type { Actor, ClockName, ClockOwner, ClockPlan, ClockState, Extension, PersonRole } from './types';

const STORE_OPTIONS = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
} as const;
/** Database writes as ordinary activities (cases started before the patch below). */
export const store = proxyActivities<Activities>(STORE_OPTIONS);
/**
 * The same writes as LOCAL activities: run by the worker inside the workflow task, with no
 * round trip through the server per write, so a human step is answered in one workflow
 * task. They are short, idempotent database writes — what local activities are for.
 * Chosen per case with `patched(LOCAL_WRITES_PATCH)` (workflows/complaint-case.ts).
 * Wrapped in `oneAtATime` per workflow: never two in flight at once.
 */
export const localStore = proxyLocalActivities<Activities>(STORE_OPTIONS);
export type Store = typeof store;

/**
 * One call at a time, in the order the workflow made them: for local activities, whose
 * results would otherwise resolve in completion order live but in recorded order on replay
 * when two run at once (e.g. a step and a compensation request in the same workflow task).
 * Deterministic: the queue is plain workflow state.
 */
export function oneAtATime(acts: Store): Store {
  let tail: Promise<unknown> = Promise.resolve();
  return new Proxy({} as Store, {
    get(_target, name) {
      return (...args: unknown[]) => {
        const run = tail.then(() => (acts as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name as string](...args));
        tail = run.catch(() => undefined);
        return run;
      };
    },
  });
}
/**
 * A case's database writes, queued and written as ONE local activity per workflow activation
 * (activities/write-batch.ts): a human step's record, the plans of the clocks it starts, the
 * step it leads to and the stopped clock's outcome go to the database together, so the step is
 * answered after one write round trip (one more workflow activation) instead of one per write.
 * Chosen per case with `patched(BATCHED_WRITES_PATCH)` (workflows/complaint-case.ts).
 *
 * `call` queues a write whose caller waits for it (its result, or that it is done); `later`
 * queues one nobody waits for — it still goes out in order with the next batch, and if it is
 * refused for good the next `call` and `drain` fail with that error, so nothing is dropped
 * silently. The batch leaves once every coroutine of the activation has had its turn: the
 * flusher waits, one pass of the condition loop at a time, until the queue stops growing.
 * Deterministic: the queue is plain workflow state, the order is the workflow code's order.
 */
export class WriteQueue {
  private readonly queue: { op: WriteOp; resolve(value: unknown): void; reject(err: unknown): void }[] = [];
  private busy = false;
  private failure: unknown = null;

  constructor(private readonly apply: (ops: WriteOp[]) => Promise<WriteBatchResult> = (ops) => localStore.writeBatch({ ops })) {
    void this.flushLoop();
  }

  call<K extends WriteName>(name: K, input: Parameters<Writers[K]>[0]): Promise<Awaited<ReturnType<Writers[K]>>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ op: { name, input } as WriteOp, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  later<K extends WriteName>(name: K, input: Parameters<Writers[K]>[0], then?: (result: Awaited<ReturnType<Writers[K]>>) => void): void {
    this.call(name, input).then(then, (err) => {
      this.failure ??= err;
    });
  }

  /** Wait until everything queued is written; fails with a refused `later` write. */
  async drain(): Promise<void> {
    await condition(() => this.queue.length === 0 && !this.busy);
    if (this.failure) throw this.failure;
  }

  /** The queue in the shape of the store activities: each call is queued and awaited by its caller. */
  asStore(): Store {
    return new Proxy({} as Store, {
      get: (_target, name) => (input: never) => this.call(name as WriteName, input),
    });
  }

  private async flushLoop(): Promise<void> {
    for (;;) {
      await condition(() => this.queue.length > 0);
      for (let seen = -1; seen !== this.queue.length; ) {
        seen = this.queue.length;
        await nextConditionPass();
      }
      const batch = this.queue.splice(0);
      this.busy = true;
      try {
        const { results, failure } = await this.apply(batch.map((q) => q.op));
        results.forEach((value, i) => batch[i].resolve(value));
        if (failure) {
          batch[failure.index].reject(ApplicationFailure.create({ message: failure.message, type: failure.type ?? undefined, details: failure.details, nonRetryable: true }));
          this.queue.unshift(...batch.slice(failure.index + 1));
        }
      } catch (err) {
        for (const q of batch) q.reject(err);
      } finally {
        this.busy = false;
      }
    }
  }
}

/** Resolves on the next pass of the workflow's condition loop (after every ready coroutine has run). */
function nextConditionPass(): Promise<void> {
  let asked = false;
  return condition(() => {
    const again = asked;
    asked = true;
    return again;
  });
}

/** Patch id: a case's writes of one activation go out as one local activity (WriteQueue). */
export const BATCHED_WRITES_PATCH = 'batched-store-writes';
/** Patch id: a clock whose stopping step completed while it was being planned stops at once. */
export const EARLY_STOP_PATCH = 'clock-early-stop';
/** Patch id: store writes as local activities and the master form re-issued in the background. */
export const LOCAL_WRITES_PATCH = 'local-store-writes';
export const mail = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  // Never lost: SMTP outages are retried with backoff; the activity itself decides when a
  // failure is permanent (bad address) or has lasted past the give-up time, and records it.
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes', backoffCoefficient: 2 },
});
/**
 * Forms (PDF) rendered and filed by the document worker on `taskQueue` (the case input's
 * documentsTaskQueue), so the CPU and memory of rendering stay out of the worker that runs
 * the cases and answers their steps; without one, on the workflow's own task queue.
 */
export function documentActivities(taskQueue: string | undefined) {
  return proxyActivities<Pick<Activities, 'issueDocument'>>({
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' },
    ...(taskQueue ? { taskQueue } : {}),
  });
}

export function invalid(field: string, reason: string): never {
  throw ApplicationFailure.nonRetryable(`${field} ${reason}`, 'ValidationError', { field, reason });
}
export function wrongState(message: string): never {
  throw ApplicationFailure.nonRetryable(message, 'WrongState');
}
export function forbidden(message: string): never {
  throw ApplicationFailure.nonRetryable(message, 'Forbidden');
}

/** Validate with a step schema; a failure names the field (`data.meeting.attendees`). */
export function parseOr422<S extends z.ZodType>(schema: S, value: unknown, prefix = 'data'): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const { field, reason } = firstIssue(r.error, prefix);
    invalid(field, reason);
  }
  return r.data;
}

export function requireActor(actor: Actor | undefined): Actor {
  if (!actor || typeof actor.id !== 'string' || !actor.id || typeof actor.role !== 'string') invalid('actor', 'is required');
  return actor;
}

/** The actor must hold one of the roles; department work must come from that department. */
export function checkRole(actor: Actor, roles: PersonRole[], what: string, departmentId?: string): void {
  if (!roles.includes(actor.role)) forbidden(`${what} is recorded by ${roles.join(' or ')}; ${actor.id} is ${actor.role}`);
  if (departmentId && actor.role === 'department_owner' && actor.departmentId !== departmentId) {
    forbidden(`${what} is recorded by the responsible department ${departmentId}; ${actor.id} belongs to ${actor.departmentId}`);
  }
}

interface RunningClock {
  clock: DeadlineClock;
  /** The step (or other completion key) whose completion stops this clock. */
  stopsAt: string;
  stopped: boolean;
  settled: Promise<void>;
}

/**
 * Every deadline clock of one workflow. A clock is started with the key of what stops it
 * (a step name, "compensation", "implementation" …); completing that key stops it with
 * its outcome frozen and recorded. Reminders and escalations go out through the mail
 * activity to the clock's owner and the escalation chain of the policy.
 */
export class Clocks {
  private readonly running = new Map<string, RunningClock>();
  private readonly handlers: ClockHandlers;
  private overdue_ = false;

  constructor(
    private readonly caseId: string,
    /** The workflow state's list: the query shows every clock, running or stopped. */
    readonly states: ClockState[],
    /** Told when "some running clock is past due" changes (the Overdue search attribute). */
    private readonly onOverdueChange?: (overdue: boolean) => void,
    /** Where plans and extensions are written (ordinary or local activities); outcomes go through `store`, or `writes`. */
    private readonly st: Store = store,
    /**
     * A case's write queue (BATCHED_WRITES_PATCH): plans and outcomes join the activation's one
     * batch, and the procedure does not wait for a plan — the clock starts when its plan is back.
     */
    private readonly writes?: WriteQueue,
  ) {
    this.handlers = {
      onReminder: async (plan, event) => {
        await mail.sendClockNotice({ caseId, plan, kind: 'reminder', level: event.index, notify: ['owner'] });
      },
      onEscalation: async (plan, event) => {
        this.refreshOverdue();
        await mail.sendClockNotice({ caseId, plan, kind: 'escalation', level: event.level, notify: event.notify });
      },
    };
  }

  /** Plan the clock from the case's policy (an activity) and run it in the background. */
  async start(opts: {
    clock: ClockName;
    owner: ClockOwner;
    startedAt: string;
    stopsAt: string;
    round?: number;
    ref?: string;
    /** A due time fixed by the step itself (a countermeasure's own due date). */
    dueAt?: string;
    /** Already planned and written (by the API at intake, CaseInput.recordedAtIntake): no activity. */
    plan?: ClockPlan;
  }): Promise<void> {
    const round = opts.round ?? 1;
    const id = `${opts.clock}${round > 1 ? `#${round}` : ''}${opts.ref ? `:${opts.ref}` : ''}`;
    if (this.running.has(id) || this.beingPlanned.has(id)) return;
    if (opts.plan) return this.run(id, opts.stopsAt, opts.plan);
    const request = { caseId: this.caseId, clockId: id, clock: opts.clock, round, owner: opts.owner, startedAt: opts.startedAt, dueAt: opts.dueAt };
    this.planning.add(opts.stopsAt);
    const planned = (plan: ClockPlan) => {
      this.planning.delete(opts.stopsAt);
      this.beingPlanned.delete(id);
      this.run(id, opts.stopsAt, plan);
    };
    if (this.writes) {
      this.beingPlanned.add(id);
      this.writes.later('planClock', request, planned);
    } else planned(await this.st.planClock(request));
  }

  private run(id: string, stopsAt: string, plan: ClockPlan): void {
    const entry = { stopsAt, stopped: false } as RunningClock;
    entry.clock = new DeadlineClock(plan, () => entry.stopped, this.handlers);
    // What stops it may already have happened while the clock was being planned (a
    // countermeasure implemented at once): the clock stops at that moment, it does not run on.
    const early = this.earlyStops.get(stopsAt);
    this.earlyStops.delete(stopsAt);
    if (early && patched(EARLY_STOP_PATCH)) {
      entry.clock.stoppedEarlyAt = early.at;
      if (Date.parse(early.at) > entry.clock.dueAt.getTime()) entry.clock.state.lateReason = early.lateReason?.trim() || null;
      entry.stopped = true;
    }
    this.states.push(entry.clock.state);
    this.running.set(id, entry);
    entry.settled = entry.clock.run().then(async (state) => {
      // An ordinary activity unless the case batches its writes: it runs beside the procedure,
      // and two local activities in flight at once could resolve in another order on replay.
      if (this.writes) await this.writes.call('recordClockOutcome', { caseId: this.caseId, state });
      else await store.recordClockOutcome({ caseId: this.caseId, state });
      this.running.delete(id);
      this.refreshOverdue();
    });
  }

  private refreshOverdue(): void {
    const now = [...this.running.values()].some((r) => !r.stopped && r.clock.isOverdue());
    if (now !== this.overdue_) {
      this.overdue_ = now;
      this.onOverdueChange?.(now);
    }
  }

  /** Running clocks that `key` stops and whose due time has passed. */
  overdue(key: string): ClockState[] {
    return [...this.running.values()].filter((r) => r.stopsAt === key && !r.stopped && r.clock.isOverdue()).map((r) => r.clock.state);
  }

  /** Completions that came before the clock they stop had started (see start). */
  private readonly planning = new Set<string>();
  /** Ids of the clocks whose plan is on its way (batched writes). */
  private readonly beingPlanned = new Set<string>();
  private readonly earlyStops = new Map<string, { at: string; lateReason?: string }>();

  /** Stop every clock that `key` stops; a late one keeps the written late reason (§6(5)). */
  stop(key: string, lateReason?: string): void {
    // Only for a clock being planned right now (see start); otherwise nothing waits for it.
    if (this.planning.has(key) && !this.earlyStops.has(key)) this.earlyStops.set(key, { at: new Date(Date.now()).toISOString(), lateReason });
    for (const r of this.running.values()) {
      if (r.stopsAt !== key || r.stopped) continue;
      if (r.clock.isOverdue()) r.clock.state.lateReason = lateReason?.trim() || null;
      r.stopped = true;
    }
  }

  /** Require a late reason when a clock stopped by `key` is already overdue. */
  requireLateReason(key: string, lateReason: string | undefined): void {
    const late = this.overdue(key);
    if (late.length && !lateReason?.trim()) {
      invalid('lateReason', `is required: ${late.map((c) => `${c.id} was due ${c.dueAt}`).join(', ')} (§6(5))`);
    }
  }

  get(id: string): DeadlineClock | undefined {
    const r = this.running.get(id);
    return r && !r.stopped ? r.clock : undefined;
  }

  /** Validator side of an extension: the clock runs, its deadline has not passed, the new one is later. */
  checkExtension(id: string, newDueAt: string, consentAt: string): void {
    const c = this.get(id);
    if (!c) wrongState(`No running clock "${id}"; running: ${[...this.running.keys()].join(', ') || 'none'}`);
    if (c.isOverdue()) wrongState(`The deadline of ${id} passed at ${c.state.dueAt}; an extension must be agreed before it passes (§5.5)`);
    if (Date.parse(newDueAt) <= c.dueAt.getTime()) invalid('newDueAt', `must be later than the current due time ${c.state.dueAt}`);
    if (Date.parse(consentAt) > Date.now()) invalid('consent.at', 'cannot be in the future');
    if (Date.parse(consentAt) > c.dueAt.getTime()) invalid('consent.at', 'must be before the deadline passed');
  }

  /** Handler side: recompute reminders and escalations for the new due time and move the clock. */
  async extend(id: string, extension: Extension): Promise<ClockState> {
    const c = this.get(id)!;
    const plan = await this.st.extendClock({ caseId: this.caseId, clockId: id, extension });
    c.reschedule(plan, extension);
    return c.state;
  }

  /** Stop everything with outcome `cancelled` (case dismissed). */
  cancelAll(): void {
    for (const r of this.running.values()) r.clock.cancel();
  }

  /** Wait until every clock's outcome is recorded. */
  async settled(): Promise<void> {
    await condition(() => this.running.size === 0 && this.beingPlanned.size === 0);
  }
}
