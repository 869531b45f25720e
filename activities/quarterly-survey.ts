/**
 * The quarterly satisfaction questionnaire (顾客满意度调查, §6(4)), run by the `quarterlySurvey`
 * workflow on the `quarterly-survey` Schedule: one round per quarter, one questionnaire per
 * active customer contact, each with its own link, reminders to those who have not answered,
 * closing, the CSI report filed and mailed to the QA manager(s).
 *
 * - Links: the token is an HMAC of the questionnaire's id with the server secret (purpose
 *   prefix `csi:`, the post-closure survey uses `survey:`), so a retried activity sends the
 *   same link, nobody can derive another contact's link, and only the SHA-256 is stored.
 * - Exactly once per contact: every message goes through the keyed mail delivery
 *   (`csi-invite:<questionnaire id>`, `csi-reminder:<id>:<n>`, `csi-report:<quarter>:<person>`).
 * - Contacts: every active contact of every active registered customer. A customer that
 *   appears on complaint cases received in the surveyed quarter or the three before it,
 *   with an e-mail address, and that is not registered under that name, is registered at
 *   the round's opening (source "cases") with one contact per distinct address (name: the
 *   case's contact person, else the customer; language zh). From then on the administrator
 *   owns the record (language, deactivation) and it is never derived again.
 */
import crypto from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { DateTime } from 'luxon';
import type { Db } from '../prisma/client';
import { renderCsiInvitation, renderCsiReportMail } from '../templates/mail/csi';
import { renderCsiReport } from '../templates/pdf/csi-report';
import { defaultCalendar, nextWorkingInstant, parseDuration, type WorkingCalendar } from './calendar';
import { policyDefinitionSchema } from './policy';
import { computeCsi, csiScoresSchema, CSI_PART_LABELS, DEFAULT_CSI_SCORES, fmtRate, fmtScore, parseQuarter, quartersUpTo, type CsiGrade, type CsiIndex, type CsiPart, type CsiScores } from './csi';
import { linkToken, surveyTokenHash } from './surveys';
import type { MailDelivery } from './mail/delivery';
import { messageIdFromKey } from './mail/transport';
import { filePeriodReport, type ReportDeps } from './reports';

export interface CsiSettings {
  /** Reminders after the round opens (CSI_REMIND_AFTER, default "7d"; several: "7d,11d"). */
  remindAfter: string[];
  /** The round closes this long after it opens (CSI_CLOSE_AFTER, default "14d"). */
  closeAfter: string;
  /** Grade scores (CSI_SCORES, default A=100 … C=0, D=−100). */
  scores: CsiScores;
  /** The deadline policy whose company calendar says when the round opens: the first working moment (DEADLINE_POLICY_NAME, default "default"). */
  calendarPolicy?: string;
}

export const DEFAULT_CSI_SETTINGS: CsiSettings = { remindAfter: ['7d'], closeAfter: '14d', scores: DEFAULT_CSI_SCORES };

/** Only the SHA-256 of a questionnaire's token is stored (as for the post-closure survey). */
export const csiTokenHash = surveyTokenHash;

/** [start, end) of a quarter "2026-Q4" in the company's time zone. */
export function quarterRange(quarter: string, timeZone: string): { from: Date; to: Date } {
  const { year, quarter: q } = parseQuarter(quarter);
  const start = DateTime.fromObject({ year, month: (q - 1) * 3 + 1, day: 1 }, { zone: timeZone });
  return { from: start.toJSDate(), to: start.plus({ months: 3 }).toJSDate() };
}

/** The quarter of an instant in the time zone. */
export function quarterOf(at: Date, timeZone: string): string {
  const d = DateTime.fromJSDate(at, { zone: timeZone });
  return `${d.year}-Q${Math.floor((d.month - 1) / 3) + 1}`;
}

/** The quarter before the one `at` falls in: what a round opened on the 1st of a quarter asks about. */
export function previousQuarter(at: Date, timeZone: string): string {
  return quarterOf(DateTime.fromJSDate(at, { zone: timeZone }).startOf('quarter').minus({ days: 1 }).toJSDate(), timeZone);
}

/** Register the customers found on cases (see the module comment for the rule). Returns the number of contacts added. */
export async function deriveCustomersFromCases(db: Db, quarter: string, timeZone: string): Promise<{ customers: number; contacts: number }> {
  const { to } = quarterRange(quarter, timeZone);
  const from = quarterRange(quartersUpTo(quarter, 4)[0], timeZone).from;
  const cases = await db.complaintCase.findMany({
    where: { receivedAt: { gte: from, lt: to }, customerEmail: { not: null } },
    select: { customerName: true, customerContact: true, customerEmail: true, receivedAt: true },
    orderBy: { receivedAt: 'desc' },
  });
  const found = new Map<string, Map<string, string>>();
  for (const c of cases) {
    const name = c.customerName.trim();
    const email = c.customerEmail?.trim().toLowerCase();
    if (!name || !email || !/^[^\s@]+@[^\s@]+$/.test(email)) continue;
    const contacts = found.get(name) ?? new Map<string, string>();
    if (!contacts.has(email)) contacts.set(email, c.customerContact?.trim() || name); // newest case first
    found.set(name, contacts);
  }
  if (!found.size) return { customers: 0, contacts: 0 };
  const registered = new Set((await db.customer.findMany({ where: { name: { in: [...found.keys()] } }, select: { name: true } })).map((c) => c.name));
  let customers = 0;
  let contacts = 0;
  for (const [name, emails] of found) {
    if (registered.has(name)) continue;
    const created = await db.customer.createMany({ data: [{ name, source: 'cases' }], skipDuplicates: true });
    if (!created.count) continue; // registered meanwhile by someone else
    const customer = await db.customer.findUniqueOrThrow({ where: { name } });
    const r = await db.customerContact.createMany({
      data: [...emails].map(([email, contactName]) => ({ customerId: customer.id, name: contactName, email, language: 'zh' })),
      skipDuplicates: true,
    });
    customers++;
    contacts += r.count;
  }
  return { customers, contacts };
}

export interface CsiQuarterReport extends CsiIndex {
  quarter: string;
  status: string;
  openedAt: string;
  closesAt: string;
  closedAt: string | null;
  scores: CsiScores;
  /** The last five quarters up to this one, oldest first (null: no round or no answer). */
  trend: { quarter: string; overall: number | null; responseRate: number | null }[];
  comments: { customerName: string; part: CsiPart | 'overall'; text: string }[];
}

/** The index of a quarter's round with its trend; null when no round was opened for it. */
export async function csiQuarterReport(db: Db, quarter: string): Promise<CsiQuarterReport | null> {
  const round = await db.csiRound.findUnique({ where: { quarter }, include: { responses: { orderBy: { id: 'asc' } } } });
  if (!round) return null;
  const scores = csiScoresSchema.parse(round.scores);
  const index = computeCsi(
    round.responses.map((r) => ({ customerId: r.customerId, customerName: r.customerName, grades: r.answeredAt ? (r.grades as Partial<Record<CsiPart, CsiGrade>>) : null })),
    scores,
  );
  const trend: CsiQuarterReport['trend'] = [];
  for (const q of quartersUpTo(quarter, 5)) {
    if (q === quarter) {
      trend.push({ quarter: q, overall: index.overall, responseRate: index.responseRate });
      continue;
    }
    const other = await db.csiRound.findUnique({ where: { quarter: q }, include: { responses: { select: { customerId: true, customerName: true, answeredAt: true, grades: true } } } });
    const i = other
      ? computeCsi(
          other.responses.map((r) => ({ customerId: r.customerId, customerName: r.customerName, grades: r.answeredAt ? (r.grades as Partial<Record<CsiPart, CsiGrade>>) : null })),
          csiScoresSchema.parse(other.scores),
        )
      : null;
    trend.push({ quarter: q, overall: i?.overall ?? null, responseRate: i?.responseRate ?? null });
  }
  const comments: CsiQuarterReport['comments'] = [];
  for (const r of round.responses) {
    if (!r.answeredAt || !r.comments) continue;
    for (const [part, text] of Object.entries(r.comments as Record<string, string>)) if (text?.trim()) comments.push({ customerName: r.customerName, part: part as CsiPart | 'overall', text: text.trim() });
  }
  comments.sort((a, b) => a.customerName.localeCompare(b.customerName, 'zh-CN') || a.part.localeCompare(b.part));
  return {
    quarter,
    status: round.status,
    openedAt: round.openedAt.toISOString(),
    closesAt: round.closesAt.toISOString(),
    closedAt: round.closedAt?.toISOString() ?? null,
    scores,
    ...index,
    trend,
    comments,
  };
}

export type CsiReportLanguage = 'zh' | 'en';

/** File the CSI report PDF of a quarter (same data → the version filed before). */
export async function fileCsiReport(deps: ReportDeps, report: CsiQuarterReport, language: CsiReportLanguage, trigger: string) {
  return filePeriodReport(deps, language === 'en' ? 'csi_report_en' : 'csi_report', report.quarter, trigger, report, (meta) => renderCsiReport(meta, report, language));
}

export interface QuarterlySurveyDeps extends ReportDeps {
  mail: MailDelivery;
  publicUrl: string;
  mailDomain: string;
  linkSecret?: string;
  csi?: Partial<CsiSettings>;
}

export function createQuarterlySurveyActivities(deps: QuarterlySurveyDeps) {
  const { db } = deps;
  const settings: CsiSettings = { ...DEFAULT_CSI_SETTINGS, ...deps.csi };
  const tokenFor = (responseId: string) => linkToken(deps.linkSecret, 'csi', responseId);
  const linkFor = (responseId: string) => `${deps.publicUrl}/csi/${tokenFor(responseId)}`;

  /** The company calendar of the deadline policy (latest version); the built-in one if there is none. */
  async function companyCalendar(): Promise<WorkingCalendar> {
    const policy = await db.deadlinePolicy.findFirst({ where: { name: settings.calendarPolicy ?? 'default' }, orderBy: { version: 'desc' } });
    return policy ? policyDefinitionSchema.parse(policy.definition).calendar : defaultCalendar;
  }

  async function loadRound(roundId: string) {
    const round = await db.csiRound.findUnique({ where: { id: roundId } });
    if (!round) throw ApplicationFailure.nonRetryable(`CSI round ${roundId} does not exist`, 'NotFound');
    return round;
  }

  /** Send one keyed questionnaire mail; true when the message is (now or before) delivered. */
  async function sendQuestionnaire(key: string, kind: 'invitation' | 'reminder', round: { quarter: string; closesAt: Date }, r: { id: string; email: string; language: string; customerName: string; contactName: string }): Promise<boolean> {
    const locale = r.language === 'en' ? 'en' : 'zh-CN';
    const mail = renderCsiInvitation({
      locale,
      kind,
      quarter: round.quarter,
      customerName: r.customerName,
      contactName: r.contactName,
      companyName: locale === 'en' ? deps.company.nameEn : deps.company.name,
      url: linkFor(r.id),
      closesAt: round.closesAt,
      timeZone: deps.timeZone,
    });
    await deps.mail.send(key, { caseId: null, kind: kind === 'invitation' ? 'csi_invitation' : 'csi_reminder', to: [r.email], subject: mail.subject }, () => ({
      to: [r.email],
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: messageIdFromKey(key, deps.mailDomain),
      headers: { 'X-QMS-Kind': kind === 'invitation' ? 'csi_invitation' : 'csi_reminder', 'X-QMS-Period': round.quarter },
    }));
    const row = await db.mailMessage.findUnique({ where: { idempotencyKey: key }, select: { status: true } });
    return row?.status === 'sent';
  }

  return {
    /**
     * Open the quarter's round once (a second call returns the same round and its times) and
     * create a questionnaire for every active contact while the round is open. The round opens
     * at the first working moment of the company calendar at or after `asOf` (the Schedule fires
     * on the 1st, which may be a holiday); reminders and closing count from then.
     */
    async openCsiRound(input: { asOf: string; quarter?: string; remindAfter?: string[]; closeAfter?: string; workflowId?: string }): Promise<{ roundId: string; quarter: string; openedAt: string; remindAt: string[]; closesAt: string; status: string; questionnaires: number; derived: number }> {
      const asOf = new Date(input.asOf);
      const quarter = input.quarter ?? previousQuarter(asOf, deps.timeZone);
      try {
        parseQuarter(quarter);
      } catch (err) {
        // A malformed quarter never becomes valid: fail the workflow instead of retrying.
        throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidInput');
      }
      let round = await db.csiRound.findUnique({ where: { quarter } });
      if (!round) {
        let remindAfter: number[];
        let closeAfter: number;
        try {
          remindAfter = (input.remindAfter ?? settings.remindAfter).map((d) => parseDuration(d).ms);
          closeAfter = parseDuration(input.closeAfter ?? settings.closeAfter).ms;
        } catch (err) {
          throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidInput');
        }
        const opensAt = nextWorkingInstant(asOf, await companyCalendar());
        const remindAt = remindAfter.filter((ms) => ms < closeAfter).sort((a, b) => a - b).map((ms) => new Date(opensAt.getTime() + ms));
        await db.csiRound.createMany({
          data: [{ quarter, openedAt: opensAt, remindAt, closesAt: new Date(opensAt.getTime() + closeAfter), scores: csiScoresSchema.parse(settings.scores), workflowId: input.workflowId ?? null }],
          skipDuplicates: true,
        });
        round = await db.csiRound.findUniqueOrThrow({ where: { quarter } });
      }
      let derived = 0;
      if (round.status === 'open') {
        derived = (await deriveCustomersFromCases(db, quarter, deps.timeZone)).contacts;
        const contacts = await db.customerContact.findMany({ where: { active: true, customer: { active: true } }, include: { customer: true }, orderBy: { id: 'asc' } });
        const have = new Set((await db.csiResponse.findMany({ where: { roundId: round.id }, select: { contactId: true } })).map((r) => r.contactId));
        const rows = contacts
          .filter((c) => !have.has(c.id))
          .map((c) => {
            const id = crypto.randomUUID();
            return { id, roundId: round!.id, contactId: c.id, customerId: c.customerId, customerName: c.customer.name, contactName: c.name, email: c.email, language: c.language, tokenHash: csiTokenHash(tokenFor(id)) };
          });
        if (rows.length) await db.csiResponse.createMany({ data: rows, skipDuplicates: true });
      }
      return {
        roundId: round.id,
        quarter,
        openedAt: round.openedAt.toISOString(),
        remindAt: round.remindAt.map((d) => d.toISOString()),
        closesAt: round.closesAt.toISOString(),
        status: round.status,
        questionnaires: await db.csiResponse.count({ where: { roundId: round.id } }),
        derived,
      };
    },

    /** Mail every questionnaire of the open round its link, once per contact. */
    async sendCsiInvitations(input: { roundId: string }): Promise<{ sent: number; total: number }> {
      const round = await loadRound(input.roundId);
      if (round.status !== 'open') return { sent: 0, total: 0 };
      const rows = await db.csiResponse.findMany({ where: { roundId: round.id }, orderBy: { id: 'asc' } });
      let sent = 0;
      for (const r of rows) {
        if (await sendQuestionnaire(`csi-invite:${r.id}`, 'invitation', round, r)) {
          if (!r.sentAt) await db.csiResponse.updateMany({ where: { id: r.id, sentAt: null }, data: { sentAt: new Date() } });
          sent++;
        }
      }
      return { sent, total: rows.length };
    },

    /** Remind those who were sent the questionnaire and have not answered (reminder n, once each). */
    async sendCsiReminders(input: { roundId: string; reminder: number }): Promise<{ reminded: number; answered: number }> {
      const round = await loadRound(input.roundId);
      if (round.status !== 'open') return { reminded: 0, answered: 0 };
      const rows = await db.csiResponse.findMany({ where: { roundId: round.id, sentAt: { not: null } }, orderBy: { id: 'asc' } });
      let reminded = 0;
      for (const r of rows) {
        if (r.answeredAt) continue;
        if (await sendQuestionnaire(`csi-reminder:${r.id}:${input.reminder}`, 'reminder', round, r)) {
          await db.csiResponse.update({ where: { id: r.id }, data: { remindedAt: new Date() } });
          reminded++;
        }
      }
      return { reminded, answered: rows.filter((r) => r.answeredAt).length };
    },

    /** Close the round: from now on its links say so and accept nothing. */
    async closeCsiRound(input: { roundId: string; at: string }): Promise<{ quarter: string; closedAt: string }> {
      await db.csiRound.updateMany({ where: { id: input.roundId, status: 'open' }, data: { status: 'closed', closedAt: new Date(input.at) } });
      const round = await loadRound(input.roundId);
      return { quarter: round.quarter, closedAt: (round.closedAt ?? new Date(input.at)).toISOString() };
    },

    /** Compute the quarter's CSI and file the report (Chinese and English). */
    async fileCsiReports(input: { quarter: string }): Promise<{ zhId: string; enId: string; overall: number | null; responseRate: number | null }> {
      const report = await csiQuarterReport(db, input.quarter);
      if (!report) throw ApplicationFailure.nonRetryable(`No CSI round for ${input.quarter}`, 'NotFound');
      const zh = await fileCsiReport(deps, report, 'zh', 'quarterly');
      const en = await fileCsiReport(deps, report, 'en', 'quarterly');
      return { zhId: zh.id, enId: en.id, overall: report.overall, responseRate: report.responseRate };
    },

    /** Mail the report to the QA manager(s), in their language, once per person and quarter. */
    async sendCsiReport(input: { quarter: string; zhId: string; enId: string }): Promise<{ sent: number }> {
      const report = await csiQuarterReport(db, input.quarter);
      if (!report) throw ApplicationFailure.nonRetryable(`No CSI round for ${input.quarter}`, 'NotFound');
      const [zh, en] = await Promise.all([db.periodReport.findUniqueOrThrow({ where: { id: input.zhId } }), db.periodReport.findUniqueOrThrow({ where: { id: input.enId } })]);
      const people = await db.person.findMany({ where: { role: 'qa_manager', active: true }, orderBy: { id: 'asc' } });
      let sent = 0;
      for (const p of people) {
        const english = p.locale === 'en';
        const file = english ? en : zh;
        const key = `csi-report:${input.quarter}:${p.id}`;
        const mail = renderCsiReportMail({
          locale: english ? 'en' : 'zh-CN',
          quarter: input.quarter,
          recipientName: p.name,
          overall: fmtScore(report.overall),
          responseRate: fmtRate(report.responseRate),
          answered: report.answered,
          sent: report.sent,
          priorities: report.priorities.map((x) => `${CSI_PART_LABELS[x.part][english ? 'en' : 'zh']} ${fmtScore(x.score)}`).join(english ? ', ' : '、') || '—',
          link: `${deps.publicUrl}/satisfaction?quarter=${input.quarter}`,
          fileName: file.fileName,
          companyName: english ? deps.company.nameEn : deps.company.name,
        });
        const status = await deps.mail.send(key, { caseId: null, kind: 'csi_report', to: [p.email], subject: mail.subject }, () => ({
          to: [p.email],
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: messageIdFromKey(key, deps.mailDomain),
          headers: { 'X-QMS-Kind': 'csi_report', 'X-QMS-Period': input.quarter },
          attachments: [{ filename: file.fileName, content: Buffer.from(file.bytes), contentType: file.mimeType }],
        }));
        if (status === 'sent') sent++;
      }
      return { sent };
    },
  };
}
