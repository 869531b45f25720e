/**
 * Data shapes of the official PDF documents (see shared/spec/complaint-procedure.md,
 * "Official documents"). Every time is an ISO-8601 instant; the renderer shows it in
 * the document's `timeZone`. Enum-like values (category, severity, clock, outcome …)
 * arrive as their stored codes and are translated by `labels.ts`.
 */

/** Language of a rendered document: Chinese, English, or both side by side. */
export type DocLanguage = 'zh' | 'en' | 'bilingual';

/** One signature block: who signs, in which role, and what the signature means. */
export interface SignatureLine {
  role: string;
  meaning: string;
  signer?: string;
  signedAt?: string /* ISO */;
}

/** One deadline clock of a case (first contact, analysis, reply …). */
export interface ClockLine {
  clock: string;
  label?: string;
  startedAt: string;
  dueAt: string;
  stoppedAt?: string | null;
  outcome?: string | null;
  lateReason?: string | null;
}

/** One event of the case history. */
export interface EventLine {
  at: string;
  kind: string;
  actor: string;
  summary: string;
}

/** The issuing company and the controlled-form identity (document number, revision). */
export interface CompanyInfo {
  name: string;
  nameEn?: string;
  docNo: string;
  revision: string;
}

/**
 * Everything the Market Quality Abnormality Report (市场品质异常处理报告) shows. The other
 * case forms (reply letter, communication form, potential-failure-cause report, recurrence
 * prevention report, 8D) are the same layout with their own title and sections.
 */
export interface MarketQualityReportData {
  /** Form title; default 市场品质异常处理报告. */
  title?: { zh: string; en: string };
  /** Leave out the deadline and history tables (forms that go to the customer). */
  sectionsOnly?: boolean;
  company: CompanyInfo;
  caseNo: string;
  version: number;
  issuedAt: string;
  timeZone: string; // e.g. 'Asia/Shanghai'
  customerName: string;
  customerContact?: string | null;
  product: string;
  lot?: string | null;
  quantity?: number | null;
  channel: string;
  receivedAt: string;
  category: string;
  severity: string;
  origin: string;
  sampleExpected: boolean;
  description: string;
  salesRep: string;
  status: string;
  step: string;
  /** Later steps (analysis, containment, countermeasures …): free rows, may be empty. */
  sections: { title: string; fields: { label: string; value: string }[] }[];
  clocks: ClockLine[];
  events: EventLine[];
  signatures: SignatureLine[];
  /** sha256 hex of the data the document was built from. */
  dataHash: string;
}
