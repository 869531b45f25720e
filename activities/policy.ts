/**
 * Deadline policy (§5.2(4), §5.3(7), §5.5, §6(5)): due durations per clock, with rules by
 * severity / origin / category, reminder lead times, escalation chain, time mode
 * (calendar or working time) and the working calendar. Policies are versioned rows in
 * the database; a case keeps the version it started with. Computing a ClockPlan is pure
 * (used by the intake API and by the planClock activity), never by workflow code.
 */
import { z } from 'zod';
import type { Category, ClockName, ClockOwner, ClockPlan, Origin, PersonRole, RecipientRole, Severity } from '../workflows/types';
import { addTime, durationError, durationString, subtractTime, workingCalendarSchema, defaultCalendar } from './calendar';

const recipient = z.enum(['owner', 'sales_rep', 'qa_engineer', 'qa_manager', 'management_rep', 'department_owner']);
const role = z.enum(['sales', 'qa_engineer', 'qa_manager', 'department_owner', 'general_affairs', 'management_rep', 'auditor', 'admin']);
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
    /** Default due duration, e.g. "12h", "3d". Ignored where the step fixes its own due date (a countermeasure). */
    due: durationString,
    /** Calendar or working time for this clock; defaults to the policy's timeMode. */
    timeMode: z.enum(['calendar', 'working']).optional(),
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

/** The clocks of the regulation's deadline table: a policy must set each of them. */
export const TABLE_CLOCKS = ['first_contact', 'preliminary_analysis', 'capa_plan', 'reply', 'potential_cause_report'] as const;

const chain = (after: string) => [
  { after: '0', notify: ['qa_manager' as const, 'owner' as const] },
  { after, notify: ['management_rep' as const] },
];
/**
 * Clocks of the steps the regulation leaves to the company. A policy may set them; these
 * are the defaults (a version of the policy records what it used).
 */
export const DEFAULT_STEP_CLOCKS: Record<Exclude<ClockName, (typeof TABLE_CLOCKS)[number]>, z.input<typeof clockPolicySchema>> = {
  root_cause_analysis: { due: '3d', reminders: ['1d'], escalations: chain('2d') },
  capa_approval: { due: '24h', reminders: ['4h'], escalations: chain('24h') },
  countermeasure: { due: '7d', reminders: ['2d', '1d'], escalations: chain('3d') },
  effect_confirmation: { due: '30d', reminders: ['3d'], escalations: chain('7d') },
  verification: { due: '30d', reminders: ['3d'], escalations: chain('7d') },
  closure: { due: '3d', reminders: ['1d'], escalations: chain('3d') },
  compensation_approval: { due: '3d', reminders: ['1d'], escalations: chain('3d') },
  rpr_proposal: { due: '3d', reminders: ['1d'], escalations: chain('3d') },
  rpr_approval: { due: '24h', reminders: ['4h'], escalations: chain('24h') },
  rpr_implementation: { due: '30d', reminders: ['3d'], escalations: chain('7d') },
  rpr_effect: { due: '30d', reminders: ['3d'], escalations: chain('7d') },
  rpr_verification: { due: '7d', reminders: ['1d'], escalations: chain('7d') },
  satisfaction_followup: { due: '5d', reminders: ['1d'], escalations: chain('3d') },
};

/**
 * Authority matrix for compensation (权责区分作业标准说明书): the first row whose
 * `upTo` (inclusive, in the currency) covers the amount names the approving role.
 */
const authorityRow = z.object({ upTo: z.number().positive().nullable(), role }).strict();
export const defaultAuthority = {
  currency: 'CNY',
  rows: [
    { upTo: 10_000, role: 'qa_manager' as const },
    { upTo: null, role: 'management_rep' as const },
  ],
};

export const policyDefinitionSchema = z
  .object({
    timeMode: z.enum(['calendar', 'working']).default('calendar'),
    calendar: workingCalendarSchema.default(defaultCalendar),
    clocks: z
      .object({
        ...(Object.fromEntries(TABLE_CLOCKS.map((c) => [c, clockPolicySchema])) as Record<(typeof TABLE_CLOCKS)[number], typeof clockPolicySchema>),
        ...(Object.fromEntries(
          Object.entries(DEFAULT_STEP_CLOCKS).map(([c, d]) => [c, clockPolicySchema.default(clockPolicySchema.parse(d))]),
        ) as Record<keyof typeof DEFAULT_STEP_CLOCKS, z.ZodDefault<typeof clockPolicySchema>>),
      })
      .strict(),
    authority: z
      .object({
        currency: z.string().regex(/^[A-Z]{3}$/),
        rows: z
          .array(authorityRow)
          .min(1)
          .refine((rows) => rows[rows.length - 1].upTo === null, { message: 'the last row must have upTo: null (no limit)' }),
      })
      .strict()
      .default(defaultAuthority),
    /** The "second satisfaction" survey after closure: how long its link stays valid. */
    survey: z.object({ expiresAfter: durationString }).strict().default({ expiresAfter: '30d' }),
  })
  .strict();

/**
 * A policy version's definition, parsed once per process: versions are never changed (a change
 * is a new version), so the parsed definition of a version id stays right.
 */
const parsedPolicies = new Map<string, PolicyDefinition>();
export function parsedPolicy(row: { id: string; definition: unknown }): PolicyDefinition {
  let p = parsedPolicies.get(row.id);
  if (!p) {
    p = policyDefinitionSchema.parse(row.definition);
    if (parsedPolicies.size > 100) parsedPolicies.clear();
    parsedPolicies.set(row.id, p);
  }
  return p;
}

/** The role that approves a compensation of this amount. */
export function compensationApprover(policy: PolicyDefinition, amount: number): PersonRole {
  return policy.authority.rows.find((r) => r.upTo === null || amount <= r.upTo)!.role;
}

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
  opts: { id?: string; round?: number; owner?: ClockOwner; dueAt?: Date } = {},
): ClockPlan {
  const p = policy.clocks[clock];
  const mode = p.timeMode ?? policy.timeMode;
  const rule = p.rules.find((r) =>
    Object.entries(r.when).every(([k, v]) => attrs[k as keyof CaseAttributes] === v),
  );
  const due = opts.dueAt ?? addTime(startedAt, rule?.due ?? p.due, mode, policy.calendar);
  return {
    id: opts.id ?? clock,
    clock,
    round: opts.round ?? 1,
    owner: opts.owner ?? { role: 'sales' },
    startedAt: startedAt.toISOString(),
    dueAt: due.toISOString(),
    originalDueAt: due.toISOString(),
    reminders: p.reminders
      .map((lead) => ({ at: subtractTime(due, lead, mode, policy.calendar), lead }))
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
