/**
 * One reusable deadline clock (§5.2(4), §5.3(7), §5.5, §6(5)): reminders to the owner
 * before the due time, an escalation chain after it, and a recorded outcome that is
 * frozen once the clock stops. All times come from the ClockPlan computed by an
 * activity (working calendar arithmetic stays out of the workflow); the clock only
 * waits on durable timers, so it is deterministic and survives worker restarts.
 *
 * Shape of the wait (samples: food-delivery order.ts, timer-examples updatable-timer.ts):
 *   if (!(await condition(() => done, untilNextEvent))) { …remind or escalate… }
 */
import { condition } from '@temporalio/workflow';
import type { ClockOutcome, ClockPlan, ClockState, Extension, RecipientRole } from './types';

export type ClockEvent =
  | { kind: 'reminder'; index: number; at: string; lead: string }
  | { kind: 'escalation'; level: number; at: string; notify: RecipientRole[] };

export interface ClockHandlers {
  onReminder(plan: ClockPlan, event: Extract<ClockEvent, { kind: 'reminder' }>): Promise<void>;
  onEscalation(plan: ClockPlan, event: Extract<ClockEvent, { kind: 'escalation' }>): Promise<void>;
}

export class DeadlineClock {
  private plan: ClockPlan;
  private revision = 0;
  private extended = false;
  private cancelled = false;
  private readonly fired = new Set<string>();
  readonly state: ClockState;

  constructor(
    plan: ClockPlan,
    private readonly isDone: () => boolean,
    private readonly handlers: ClockHandlers,
  ) {
    this.plan = plan;
    this.state = {
      id: plan.id,
      clock: plan.clock,
      round: plan.round,
      owner: plan.owner,
      startedAt: plan.startedAt,
      dueAt: plan.dueAt,
      originalDueAt: plan.originalDueAt,
      remindersSent: 0,
      escalationLevel: 0,
      stoppedAt: null,
      outcome: null,
      lateReason: null,
      extensions: [],
    };
  }

  get running(): boolean {
    return this.state.outcome === null;
  }

  get dueAt(): Date {
    return new Date(this.plan.dueAt);
  }

  /** True once workflow time is past the (possibly extended) due time. */
  isOverdue(): boolean {
    return Date.now() > this.dueAt.getTime();
  }

  /** Replace the schedule (an accepted extension); the waiting loop picks it up at once. */
  reschedule(plan: ClockPlan, extension: Extension): void {
    this.plan = plan;
    this.extended = true;
    this.state.dueAt = plan.dueAt;
    this.state.extensions.push(extension);
    this.revision++;
  }

  /** The step is no longer needed (case dismissed): stop with outcome `cancelled`. */
  cancel(): void {
    this.cancelled = true;
    this.revision++;
  }

  /** Events not yet fired, in time order. */
  private pending(): ClockEvent[] {
    const events: ClockEvent[] = [
      ...this.plan.reminders.map((r, index) => ({ kind: 'reminder' as const, index, at: r.at, lead: r.lead })),
      ...this.plan.escalations.map((e) => ({ kind: 'escalation' as const, level: e.level, at: e.at, notify: e.notify })),
    ];
    return events
      .filter((e) => !this.fired.has(this.key(e)))
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }

  private key(e: ClockEvent): string {
    // A reminder is keyed by its time, so an extension's new reminders fire again;
    // an escalation level fires once per clock.
    return e.kind === 'reminder' ? `r:${e.at}` : `e:${e.level}`;
  }

  /** Runs until isDone() holds; returns the frozen outcome. */
  async run(): Promise<ClockState> {
    for (;;) {
      const revision = this.revision;
      const next = this.pending()[0];
      const woke = next
        ? await condition(() => this.isDone() || this.revision !== revision, Math.max(1, Date.parse(next.at) - Date.now()))
        : (await condition(() => this.isDone() || this.revision !== revision), true);
      if (this.isDone() || this.cancelled) break;
      if (woke || !next) continue; // rescheduled: recompute what comes next
      this.fired.add(this.key(next));
      if (next.kind === 'reminder') {
        // A reminder whose time passed while the schedule moved is pointless after the due time.
        if (!this.isOverdue()) {
          await this.handlers.onReminder(this.plan, next);
          this.state.remindersSent++;
        }
      } else {
        this.state.escalationLevel = Math.max(this.state.escalationLevel, next.level);
        await this.handlers.onEscalation(this.plan, next);
      }
    }
    return this.stop();
  }

  /** When the step that stops this clock was completed, if that was before the clock started (set by Clocks). */
  stoppedEarlyAt: string | null = null;

  private stop(): ClockState {
    const stoppedAt = new Date(this.stoppedEarlyAt ?? Date.now());
    const late = stoppedAt.getTime() > this.dueAt.getTime();
    const outcome: ClockOutcome = this.cancelled && !this.isDone()
      ? 'cancelled'
      : late ? 'missed' : this.extended ? 'met_after_extension' : 'met';
    this.state.stoppedAt = stoppedAt.toISOString();
    this.state.outcome = outcome;
    return this.state;
  }
}
