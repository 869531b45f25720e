/**
 * Plain data shared by the workflows, the activities and the API. No runtime imports:
 * this file is bundled into the workflow sandbox.
 */

export type Category = 'quality' | 'environmental' | 'installation_usage';
export type Severity = 'urgent' | 'normal';
export type Origin = 'own_plant' | 'supplier';
export type Channel = 'phone' | 'email' | 'visit' | 'web' | 'hotline';

/** Clocks of the regulation's deadline table (§5.2(4), §5.3(7), §5.5). */
export type ClockName =
  | 'first_contact'
  | 'preliminary_analysis'
  | 'capa_plan'
  | 'reply'
  | 'potential_cause_report';

/** Who receives a reminder or an escalation; resolved from the case and the people records. */
export type RecipientRole = 'owner' | 'sales_rep' | 'qa_engineer' | 'qa_manager' | 'management_rep';

export type ClockOutcome = 'met' | 'met_after_extension' | 'missed';

/** A clock's schedule, computed by an activity from the case's policy and calendar. Times are ISO strings. */
export interface ClockPlan {
  clock: ClockName;
  startedAt: string;
  dueAt: string;
  /** The due time before any extension. */
  originalDueAt: string;
  reminders: { at: string; lead: string }[];
  escalations: { level: number; at: string; notify: RecipientRole[] }[];
}

export interface ClockState {
  clock: ClockName;
  startedAt: string;
  dueAt: string;
  originalDueAt: string;
  remindersSent: number;
  escalationLevel: number;
  stoppedAt: string | null;
  outcome: ClockOutcome | null;
  lateReason: string | null;
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
}

/** Steps of the procedure, in the regulation's order. */
export type CaseStep =
  | 'first_contact'
  | 'sample_pending';

export type CaseStatus = 'open' | 'closed';

export interface Decision {
  at: string;
  step: CaseStep;
  kind: string;
  actorId: string;
  data: Record<string, unknown>;
}

export interface CaseState {
  caseNo: string;
  step: CaseStep;
  status: CaseStatus;
  clocks: ClockState[];
  decisions: Decision[];
}

export const CONTACT_METHODS = ['phone', 'email', 'visit', 'video', 'other'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

export interface RecordContactInput {
  actorId: string;
  method: ContactMethod;
  /** When the customer was reached; defaults to the time the update is handled. */
  contactedAt?: string;
  /** Defect confirmed with the customer and the agreed next steps. */
  summary: string;
  /** Required when the first-contact deadline has already passed (§6(5)). */
  lateReason?: string;
}
