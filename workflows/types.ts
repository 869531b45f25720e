/**
 * Plain data shared by the workflows, the activities and the API. No runtime imports:
 * this file is bundled into the workflow sandbox.
 */

export type Category = 'quality' | 'environmental' | 'installation_usage';
export type Severity = 'urgent' | 'normal';
export type Origin = 'own_plant' | 'supplier';
export type Channel = 'phone' | 'email' | 'visit' | 'web' | 'hotline';

/** Roles of the regulation (§4) plus the auditor and the administrator. */
export type PersonRole =
  | 'sales'
  | 'qa_engineer'
  | 'qa_manager'
  | 'department_owner'
  | 'general_affairs'
  | 'management_rep'
  | 'auditor'
  | 'admin';

/**
 * Clocks of the regulation's deadline table (§5.2(4), §5.3(7), §5.5) and of the steps
 * the regulation leaves to the company (approval, implementation, verification …).
 */
export type ClockName =
  | 'first_contact'
  | 'preliminary_analysis'
  | 'root_cause_analysis'
  | 'capa_plan'
  | 'capa_approval'
  | 'reply'
  | 'potential_cause_report'
  | 'countermeasure'
  | 'effect_confirmation'
  | 'verification'
  | 'closure'
  | 'compensation_approval'
  | 'rpr_proposal'
  | 'rpr_approval'
  | 'rpr_implementation'
  | 'rpr_effect'
  | 'rpr_verification'
  | 'satisfaction_followup';

/** Who receives a reminder or an escalation; resolved from the case and the people records. */
export type RecipientRole = 'owner' | 'sales_rep' | 'qa_engineer' | 'qa_manager' | 'management_rep' | 'department_owner';

/** Who owns a clock's step: its reminders go there, and "owner" in an escalation means them. */
export interface ClockOwner {
  role: PersonRole;
  /** For department work: the responsible department (its owners are reminded). */
  departmentId?: string;
}

/** `cancelled`: the step stopped being needed (case dismissed as unfounded / withdrawn / duplicate). */
export type ClockOutcome = 'met' | 'met_after_extension' | 'missed' | 'cancelled';

/** A clock's schedule, computed by an activity from the case's policy and calendar. Times are ISO strings. */
export interface ClockPlan {
  /** Unique within the case: the clock name, with `#round` for a re-run and `:ref` for a countermeasure. */
  id: string;
  clock: ClockName;
  round: number;
  owner: ClockOwner;
  startedAt: string;
  dueAt: string;
  /** The due time before any extension. */
  originalDueAt: string;
  reminders: { at: string; lead: string }[];
  escalations: { level: number; at: string; notify: RecipientRole[] }[];
}

export interface Extension {
  at: string;
  actorId: string;
  fromDueAt: string;
  toDueAt: string;
  reason: string;
  /** The customer's consent, asked before the deadline passed (§5.5). */
  consent: { by: string; at: string; method: string };
}

export interface ClockState {
  id: string;
  clock: ClockName;
  round: number;
  owner: ClockOwner;
  startedAt: string;
  dueAt: string;
  originalDueAt: string;
  remindersSent: number;
  escalationLevel: number;
  stoppedAt: string | null;
  outcome: ClockOutcome | null;
  lateReason: string | null;
  extensions: Extension[];
}

/** What the workflow is started with: the case as recorded at intake. */
export interface CaseInput {
  caseId: string;
  caseNo: string;
  receivedAt: string;
  category: Category;
  severity: Severity;
  origin: Origin;
  sampleExpected: boolean;
  salesRepId: string;
  customerName: string;
  product: string;
  /**
   * The task queue of the document worker that renders and files this case's forms (PDF),
   * fixed when the case starts (DOCUMENTS_TASK_QUEUE). Absent: the case's own task queue
   * (cases started before forms had a queue of their own, and tests with one worker).
   */
  documentsTaskQueue?: string;
  /**
   * What the API already wrote in its intake statement, with the case: the first-contact
   * clock's plan (its row is written with the case), so the case starts without an activity.
   * Absent: cases started before, and cases started by the recovery sweep; they plan the
   * clock themselves (the same plan; the existing row is kept).
   */
  recordedAtIntake?: { firstContactClock: ClockPlan };
}

/** Steps of the procedure, in the regulation's order. */
export type CaseStep =
  | 'first_contact' // §5.1 sales contacts the customer (12 h)
  | 'onsite_resolution' // §5.1.1(1) installation / usage problem answered on the spot by sales
  | 'sample_pending' // §5.1.1(2) sales brings the sample and the report to QA
  | 'potential_cause_analysis' // no sample, the customer wants an explanation: QA, 48 h
  | 'environmental_investigation' // §5.1.3, §5.2(2) general affairs investigates
  | 'preliminary_analysis' // §5.2 QA: occurrence / escape cause, responsible department (24 h / 2 d)
  | 'root_cause_analysis' // §5.3(2)(3) cause unclear: reproduction / deeper analysis by the department
  | 'capa_plan' // §5.3(1)(2) containment, permanent and prevention measures (24 h)
  | 'capa_approval' // §5.3(3) QA manager approves before implementation
  | 'reply' // §5.4 sales sends the Customer Complaint Reply (48 h / 3 d / 7 d from the sample)
  | 'effect_confirmation' // §5.4 the customer confirms the effect after countermeasure goods arrive
  | 'verification' // §5.3(3)(5) QA: no recurrence in the month, last month's actions done
  | 'closure' // QA manager closes; the case enters the register
  | 'closed';

export type CaseStatus = 'open' | 'closed';

/** Why a case was closed: the procedure ran to its end, or a recorded decision not to investigate. */
export type Resolution = 'resolved' | 'answered_on_site' | 'unfounded' | 'withdrawn' | 'duplicate';

/** The person acting, as the API resolved them from the signed-in account. */
export interface Actor {
  id: string;
  role: PersonRole;
  departmentId: string;
  name?: string;
}

/**
 * An electronic signature (21 CFR Part 11 style): the signer re-entered the password; the
 * record says who, in which role, what the signature means, when, and the SHA-256 of
 * exactly what was signed.
 */
export interface Signature {
  signerId: string;
  signerName: string;
  role: PersonRole;
  meaning: string;
  at: string;
  contentHash: string;
}

export interface Decision {
  at: string;
  step: CaseStep;
  kind: string;
  actorId: string;
  data: Record<string, unknown>;
  signature?: Signature;
}

export interface CountermeasureItem {
  /** C1… containment, P1… permanent, M1… management / prevention. */
  ref: string;
  kind: 'containment' | 'permanent' | 'prevention';
  action: string;
  ownerDepartmentId: string;
  dueAt: string;
  status: 'open' | 'implemented' | 'cancelled';
  implementedAt?: string;
  effect?: string;
}

export interface Compensation {
  amount: number;
  currency: string;
  responsibleDepartmentId: string;
  reason: string;
  requestedBy: string;
  requiredRole: PersonRole;
  approvedBy?: string;
  approvedAt?: string;
  decision?: 'approved' | 'rejected';
  note?: string;
  signature?: Signature;
}

export interface RprSummary {
  workflowId: string;
  status: 'open' | 'closed' | 'cancelled';
  step: string;
}

/** The customer's answer to the "second satisfaction" survey after closure (二度满意). */
export interface SatisfactionAnswer {
  outcome: 'satisfied' | 'neutral' | 'dissatisfied';
  /** 1 (poor) … 5 (excellent) */
  speed: number;
  communication: number;
  comment?: string;
  answeredAt: string;
}

export interface Satisfaction {
  status: 'not_sent' | 'waiting' | 'answered' | 'expired' | 'followed_up';
  expiresAt: string | null;
  answer: SatisfactionAnswer | null;
  followUp: { actorId: string; at: string; actions: string } | null;
}

export interface CaseState {
  caseNo: string;
  step: CaseStep;
  status: CaseStatus;
  resolution: Resolution | null;
  clocks: ClockState[];
  decisions: Decision[];
  /** What the steps recorded, by step (the latest round). */
  data: Partial<Record<CaseStep, Record<string, unknown>>>;
  countermeasures: CountermeasureItem[];
  compensation: Compensation | null;
  rpr: RprSummary | null;
  duplicateOf: string | null;
  /** Rounds of the CAPA plan (a rejection or a failed verification sends it back). */
  capaRound: number;
  satisfaction: Satisfaction | null;
}
