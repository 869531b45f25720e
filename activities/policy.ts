/**
 * Deadline policy (§5.2(4), §5.3(7), §5.5, §6(5)): due durations per clock, with rules by
 * severity / origin / category, reminder lead times, escalation chain, time mode
 * (calendar or working time) and the working calendar. Policies are versioned rows in
 * the database; a case keeps the version it started with. Computing a ClockPlan is pure
 * (used by the intake API and by the planClock activity), never by workflow code.
 */
import { z } from 'zod';
import type { Category, ClockName, ClockPlan, Origin, RecipientRole, Severity } from '../workflows/types';
import { addTime, durationError, durationString, subtractTime, workingCalendarSchema, defaultCalendar } from './calendar';

const recipient = z.enum(['owner', 'sales_rep', 'qa_engineer', 'qa_manager', 'management_rep']);
const when = z
  .object({
    severity: z.enum(['urgent', 'normal']).optional(),
    origin: z.enum(['own_plant', 'supplier']).optional(),
    category: z.enum(['quality', 'environmental', 'installation_usage']).optional(),
  })
  .strict();

/** Delay after the due time: "0" (at the due time) or a duration. */
const escalationDelay = z
  .string()
  .refine((s) => isZero(s) || durationError(s) === undefined, { message: 'must be "0" or a duration such as "4h"' });

export const clockPolicySchema = z
  .object({
    /** Default due duration, e.g. "12h", "3d". */
    due: durationString,
    /** First matching rule wins, e.g. { when: { origin: 'supplier' }, due: '7d' }. */
    rules: z.array(z.object({ when, due: durationString }).strict()).default([]),
    /** Reminder lead times before the due time, e.g. ["2h"]. */
    reminders: z.array(durationString).default([]),
    /** Escalation chain after the due time: level 1, 2, … with the delay after due. */
    escalations: z
      .array(z.object({ after: escalationDelay, notify: z.array(recipient).min(1) }).strict())
      .default([]),
  })
  .strict();

export const CLOCK_NAMES = ['first_contact', 'preliminary_analysis', 'capa_plan', 'reply', 'potential_cause_report'] as const;

export const policyDefinitionSchema = z
  .object({
    timeMode: z.enum(['calendar', 'working']).default('calendar'),
    calendar: workingCalendarSchema.default(defaultCalendar),
    clocks: z.object(Object.fromEntries(CLOCK_NAMES.map((c) => [c, clockPolicySchema])) as Record<
      (typeof CLOCK_NAMES)[number],
      typeof clockPolicySchema
    >),
  })
  .strict();

export type PolicyDefinition = z.infer<typeof policyDefinitionSchema>;

export interface CaseAttributes {
  severity: Severity;
  origin: Origin;
  category: Category;
}

/** Compute a clock's due time, reminders and escalation times from the policy. */
export function computeClockPlan(
  policy: PolicyDefinition,
  clock: ClockName,
  attrs: CaseAttributes,
  startedAt: Date,
): ClockPlan {
  const p = policy.clocks[clock];
  const rule = p.rules.find((r) =>
    Object.entries(r.when).every(([k, v]) => attrs[k as keyof CaseAttributes] === v),
  );
  const due = addTime(startedAt, rule?.due ?? p.due, policy.timeMode, policy.calendar);
  return {
    clock,
    startedAt: startedAt.toISOString(),
    dueAt: due.toISOString(),
    originalDueAt: due.toISOString(),
    reminders: p.reminders
      .map((lead) => ({ at: subtractTime(due, lead, policy.timeMode, policy.calendar), lead }))
      .filter((r) => r.at.getTime() > startedAt.getTime())
      .map((r) => ({ at: r.at.toISOString(), lead: r.lead })),
    escalations: p.escalations.map((e, i) => ({
      level: i + 1,
      // Escalation intervals run in plain elapsed time: an overdue case does not wait for Monday.
      at: (isZero(e.after) ? due : addTime(due, e.after, 'calendar', policy.calendar)).toISOString(),
      notify: e.notify as RecipientRole[],
    })),
  };
}

function isZero(d: string): boolean {
  return /^\s*0+\s*(ms|s|m|h|d)?\s*$/i.test(d);
}
