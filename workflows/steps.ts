/**
 * What each human step of the procedure records, who may record it, and what the API
 * accepts for it. The same zod schemas validate the request in the API (400 with the
 * field) and again in the workflow's update validator (422 with the field), so a step
 * cannot be completed with data the procedure does not allow. Pure data: bundled into
 * the workflow sandbox.
 */
import { z } from 'zod';
import type { CaseStep, PersonRole } from './types';

const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);
const iso = () => z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });
const id = () => text(64);

/**
 * A record of schemas each built on first use. Temporal evaluates this module afresh for every
 * workflow it creates or replays (module state is per workflow), and building every step's
 * schema each time cost ≈ 20 ms of the workflow thread per case start or replay; a workflow
 * now builds only the schemas of the steps it validates.
 */
function lazy<T extends Record<string, () => z.ZodType>>(defs: T): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const out = {} as { [K in keyof T]: ReturnType<T[K]> };
  for (const key of Object.keys(defs) as (keyof T)[]) {
    let built: ReturnType<T[typeof key]> | undefined;
    Object.defineProperty(out, key, { enumerable: true, get: () => (built ??= defs[key]() as ReturnType<T[typeof key]>) });
  }
  return out;
}

export const CONTACT_METHODS = ['phone', 'email', 'visit', 'video', 'other'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

/** One action of a CAPA plan: what, which department, by when (§5.3(1)(2)). */
const capaAction = () =>
  z
    .object({
      action: text(2_000).describe('What is done'),
      ownerDepartmentId: id().describe('Department that carries it out'),
      dueAt: iso().describe('By when'),
    })
    .strict();

export const stepSchemas = lazy({
  first_contact: () =>
    z
      .object({
        method: z.enum(CONTACT_METHODS).describe('How the customer was reached'),
        summary: text(5_000).describe('Defect confirmed with the customer and agreed next steps'),
        contactedAt: iso().optional().describe('When the customer was reached; defaults to now'),
      })
      .strict(),
  onsite_resolution: () =>
    z
      .object({
        answer: text(5_000).describe('How the installation / usage problem was solved on the spot'),
        customerAccepted: z.literal(true, { message: 'must be true: the customer must accept the answer; otherwise dismiss or escalate the case' }),
      })
      .strict(),
  sample_pending: () =>
    z.discriminatedUnion(
      'sample',
      [
        z
          .object({
            sample: z.literal('received'),
            receivedAt: iso().optional().describe('When the sample and the report reached QA; defaults to now'),
            note: z.string().trim().max(2_000).optional(),
          })
          .strict(),
        z
          .object({
            sample: z.literal('none'),
            customerWantsExplanation: z.boolean().describe('The customer asks for an explanation: QA writes the potential-failure-cause report within 48 h'),
            note: z.string().trim().max(2_000).optional(),
          })
          .strict(),
      ],
      { message: 'must be "received" or "none"' },
    ),
  potential_cause_analysis: () =>
    z
      .object({
        phenomenon: text(200).describe('Defect phenomenon (for the Pareto chart)'),
        potentialCauses: z
          .array(
            z
              .object({
                cause: text(1_000),
                likelihood: z.enum(['high', 'medium', 'low']),
                verification: text(1_000).describe('How the cause would be confirmed'),
              })
              .strict(),
          )
          .min(1, 'must list at least one cause'),
        conclusion: text(5_000),
      })
      .strict(),
  environmental_investigation: () =>
    z
      .object({
        findings: text(5_000).describe('What general affairs found'),
        responsibleDepartmentId: id().describe('The unit that writes the solution'),
      })
      .strict(),
  preliminary_analysis: () =>
    z
      .object({
        phenomenon: text(200).describe('Defect phenomenon (for the Pareto chart)'),
        occurrenceCause: text(5_000).describe('Why the defect occurred (发生原因)'),
        escapeCause: text(5_000).describe('Why it escaped (流出原因)'),
        responsibleDepartmentId: id().describe('Responsible department (责任部门)'),
        causeClear: z.boolean().describe('false: reproduce on the line / deeper analysis first (§5.3(2))'),
        meeting: z
          .object({
            heldAt: iso(),
            attendees: z.array(text(100)).min(1, 'must list who attended'),
            minutes: z.string().trim().max(5_000).optional(),
          })
          .strict()
          .describe('The cross-department meeting QA convened (§5.2)'),
      })
      .strict(),
  root_cause_analysis: () =>
    z
      .object({
        method: z.enum(['reproduction', 'deeper_analysis']),
        reproduced: z.boolean().describe('Whether the defect was reproduced on the line'),
        rootCause: text(5_000).describe('The true cause found'),
      })
      .strict(),
  capa_plan: () =>
    z
      .object({
        containment: z.array(capaAction()).min(1, 'must list at least one containment action (临时对策)'),
        permanent: z.array(capaAction()).min(1, 'must list at least one permanent countermeasure (永久对策)'),
        prevention: z.array(capaAction()).default([]).describe('Management measures that prevent similar problems'),
      })
      .strict(),
  capa_approval: () =>
    z.discriminatedUnion(
      'decision',
      [
        z
          .object({
            decision: z.literal('approved'),
            serious: z.boolean().default(false).describe('Serious case: raise a Recurrence Prevention Report (§5.3(4))'),
            comment: z.string().trim().max(2_000).optional(),
          })
          .strict(),
        z.object({ decision: z.literal('rejected'), reason: text(2_000).describe('Why the plan goes back') }).strict(),
      ],
      { message: 'must be "approved" or "rejected"' },
    ),
  reply: () =>
    z
      .object({
        method: z.enum(['email', 'letter', 'visit', 'phone']),
        summary: text(10_000).describe('What the reply to the customer says'),
        sentAt: iso().optional(),
      })
      .strict(),
  effect_confirmation: () =>
    z
      .object({
        effective: z.boolean().describe('The customer confirms the countermeasure works on delivered goods'),
        customerFeedback: text(5_000),
        deliveredAt: iso().optional().describe('When the countermeasure goods were delivered'),
      })
      .strict(),
  verification: () =>
    z
      .object({
        noRecurrence: z.boolean().describe('No similar or identical abnormality recurred in the month'),
        lastMonthActionsDone: z.boolean().describe("Last month's countermeasures were really carried out"),
        comment: text(5_000),
      })
      .strict(),
  closure: () => z.object({ comment: z.string().trim().max(2_000).optional() }).strict(),
} satisfies Record<Exclude<CaseStep, 'closed'>, () => z.ZodType>);

export type HumanStep = keyof typeof stepSchemas;
export type StepData<S extends HumanStep> = z.output<(typeof stepSchemas)[S]>;
export const HUMAN_STEPS = Object.keys(stepSchemas) as HumanStep[];

/** Who records each step (§4). Department steps also require the responsible department. */
export const STEP_ROLES: Record<HumanStep, PersonRole[]> = {
  first_contact: ['sales'],
  onsite_resolution: ['sales'],
  sample_pending: ['sales', 'qa_engineer'],
  potential_cause_analysis: ['qa_engineer'],
  environmental_investigation: ['general_affairs'],
  preliminary_analysis: ['qa_engineer'],
  root_cause_analysis: ['department_owner'],
  capa_plan: ['department_owner'],
  capa_approval: ['qa_manager'],
  reply: ['sales'],
  effect_confirmation: ['sales'],
  verification: ['qa_engineer'],
  closure: ['qa_manager'],
};

/**
 * Steps that are electronically signed, with the meaning of the signature (zh / en). The
 * signer re-enters the password; the API verifies it and passes the signature along.
 */
export const SIGNED_STEPS: Partial<Record<HumanStep, (data: Record<string, unknown>) => string>> = {
  capa_approval: (d) => (d.decision === 'approved' ? '核准对策 / approved the countermeasures' : '退回对策 / sent the countermeasures back'),
  reply: () => '核准并回复客户 / approved and sent the reply to the customer',
  verification: (d) => (d.noRecurrence && d.lastMonthActionsDone ? '验证有效 / verified effective' : '验证无效 / verified not effective'),
  closure: () => '结案 / closed the case',
};
export const SIGNED_RPR_STEPS: Partial<Record<RprStepName, (data: Record<string, unknown>) => string>> = {
  approval: (d) => (d.decision === 'approved' ? '核准预防再发对策 / approved the recurrence prevention' : '退回预防再发对策 / sent the recurrence prevention back'),
  verification: (d) => (d.effective ? '验证预防再发有效 / verified recurrence prevention effective' : '验证预防再发无效 / verified recurrence prevention not effective'),
};
type RprStepName = 'proposal' | 'approval' | 'implementation' | 'effect' | 'verification';

/** A request to complete the current step (an update of the case workflow). */
export interface StepRequest {
  step: HumanStep;
  actor: import('./types').Actor;
  data: unknown;
  /** Required when a clock that this step stops has already passed its due time (§6(5)). */
  lateReason?: string;
  /** Required for the SIGNED_STEPS. */
  signature?: import('./types').Signature;
}

const extendDeadlineSchema = () =>
  z
    .object({
      clockId: text(100).describe('The running clock to move, e.g. "reply" or "countermeasure:P1"'),
      newDueAt: iso().describe('The new due time agreed with the customer'),
      reason: text(2_000),
      consent: z
        .object({
          by: text(200).describe('Customer person who agreed'),
          at: iso().describe('When they agreed (before the deadline passed)'),
          method: z.enum(['phone', 'email', 'visit', 'letter', 'other']),
        })
        .strict()
        .describe("The customer's consent, asked before the deadline passes (§5.5)"),
    })
    .strict();
export type ExtendDeadlineData = z.output<typeof requestSchemas.extendDeadline>;

const compensationSchema = () =>
  z
    .object({
      amount: z.number().positive('must be positive').max(1e12),
      currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY').default('CNY'),
      responsibleDepartmentId: id(),
      reason: text(2_000),
    })
    .strict();
export type CompensationData = z.output<typeof requestSchemas.compensation>;

const compensationDecisionSchema = () =>
  z
    .object({ decision: z.enum(['approved', 'rejected']), note: z.string().trim().max(2_000).optional() })
    .strict();
export type CompensationDecisionData = z.output<typeof requestSchemas.compensationDecision>;

const dismissSchema = () =>
  z
    .object({
      reason: z.enum(['unfounded', 'withdrawn', 'duplicate']).describe('Why the complaint is not investigated (ISO 13485 §8.2.2, 21 CFR 820.198(b))'),
      explanation: text(5_000),
      duplicateOf: z.string().regex(/^CC-\d{4}-\d{4,}$/, 'must look like CC-2026-0001').optional().describe('Required for a duplicate'),
    })
    .strict()
    .refine((d) => d.reason !== 'duplicate' || !!d.duplicateOf, { path: ['duplicateOf'], message: 'is required for a duplicate' });
export type DismissData = z.output<typeof requestSchemas.dismiss>;

const implementationSchema = () =>
  z
    .object({
      implementedAt: iso().optional(),
      effect: text(5_000).describe('The recorded effect of the action'),
    })
    .strict();
export type ImplementationData = z.output<typeof requestSchemas.implementation>;

/** The customer's answer on the survey page (no account; the link's token identifies the case). */
const surveyAnswerSchema = () =>
  z
    .object({
      outcome: z.enum(['satisfied', 'neutral', 'dissatisfied']).describe('Was the outcome what you expected?'),
      speed: z.coerce.number().int().min(1, 'must be 1–5').max(5, 'must be 1–5'),
      communication: z.coerce.number().int().min(1, 'must be 1–5').max(5, 'must be 1–5'),
      comment: z.string().trim().max(5_000).optional(),
    })
    .strict();
export type SurveyAnswerData = z.output<typeof requestSchemas.surveyAnswer>;

/** The QA manager's follow-up of a dissatisfied customer. */
const followUpSchema = () =>
  z.object({ actions: text(5_000).describe('What is done about the dissatisfaction') }).strict();
export type FollowUpData = z.output<typeof requestSchemas.followUp>;

/** The other requests of a case (built on first use, see `lazy`). */
export const requestSchemas = lazy({
  extendDeadline: extendDeadlineSchema,
  compensation: compensationSchema,
  compensationDecision: compensationDecisionSchema,
  dismiss: dismissSchema,
  implementation: implementationSchema,
  surveyAnswer: surveyAnswerSchema,
  followUp: followUpSchema,
});

/** The Recurrence Prevention Report's own steps (§5.3(4)). */
export const rprStepSchemas = lazy({
  proposal: () =>
    z
      .object({
        problem: text(5_000),
        rootCause: text(5_000),
        measures: z.array(capaAction()).min(1, 'must list at least one measure'),
      })
      .strict(),
  approval: () =>
    z.discriminatedUnion('decision', [
      z.object({ decision: z.literal('approved'), comment: z.string().trim().max(2_000).optional() }).strict(),
      z.object({ decision: z.literal('rejected'), reason: text(2_000) }).strict(),
    ]),
  implementation: () => z.object({ implementedAt: iso().optional(), note: text(5_000) }).strict(),
  effect: () => z.object({ effect: text(5_000) }).strict(),
  verification: () => z.object({ effective: z.boolean(), comment: text(5_000) }).strict(),
});
export type RprStep = keyof typeof rprStepSchemas;
export const RPR_STEP_ROLES: Record<RprStep, PersonRole[]> = {
  proposal: ['department_owner'],
  approval: ['qa_manager'],
  implementation: ['department_owner'],
  effect: ['department_owner'],
  verification: ['qa_engineer'],
};
export interface RprStepRequest {
  step: RprStep;
  actor: import('./types').Actor;
  data: unknown;
  lateReason?: string;
  signature?: import('./types').Signature;
}

/** The workflow's check that a signed step carries the signature of the person acting. */
export function signatureProblem(signature: import('./types').Signature | undefined, actorId: string): string | null {
  if (!signature) return 'is required: this step is signed electronically (re-enter your password)';
  if (signature.signerId !== actorId) return 'must be the signature of the person recording the step';
  return null;
}

/** First zod issue as field + reason, for a ValidationError. */
export function firstIssue(err: z.ZodError, prefix = 'data'): { field: string; reason: string } {
  const i = err.issues[0];
  return { field: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || prefix || 'body', reason: i.message };
}
