/**
 * Period reports (§6(5), §7): the Market Quality Abnormality Register (市场品质异常管理表) for a
 * period — also as CSV for spreadsheets — and the Monthly Quality Review (品质检讨会议资料):
 * on-time rate (时效达标率) per clock with its trend, the Pareto (柏拉图) of defect phenomena,
 * and the causes and countermeasures of the month. Numbers come from the database mirror:
 * frozen clock outcomes, never recomputed.
 */
import { DateTime } from 'luxon';
import type { Db } from '../prisma/client';
import { renderMonthlyReview, renderRegister, type PeriodDocMeta } from '../templates/pdf/period-reports';
import { canonicalJson, sha256 } from './hash';
import type { createMailDelivery } from './mail/delivery';
import { messageIdFromKey } from './mail/transport';
import { renderMail } from '../templates/mail/layout';
import { xlsx } from '../templates/xlsx';
import type { CaseSnapshot } from './store';

export interface RegisterRow {
  caseNo: string;
  receivedAt: string;
  customerName: string;
  product: string;
  phenomenon: string | null;
  category: string;
  severity: string;
  origin: string;
  responsibleDepartmentId: string | null;
  status: string;
  resolution: string | null;
  closedAt: string | null;
  clocks: { id: string; dueAt: string; stoppedAt: string | null; outcome: string | null; lateReason: string | null }[];
}

export interface OnTime {
  clock: string;
  total: number;
  onTime: number;
  missed: number;
  /** 0…1, null when nothing fell due */
  rate: number | null;
}

export interface MonthlyStats {
  month: string;
  timeZone: string;
  received: number;
  closed: number;
  /** Every clock stopped in the month (cancelled ones excluded): met + met after extension over all. */
  overall: OnTime;
  /** The reply clock alone: the regulation's 时效达标率. */
  reply: OnTime;
  byClock: OnTime[];
  /** The reply on-time rate of the last six months, oldest first. */
  trend: { month: string; rate: number | null; total: number }[];
  pareto: { phenomenon: string; count: number; share: number; cumulative: number }[];
  causes: { caseNo: string; phenomenon: string; occurrenceCause: string; escapeCause: string; countermeasures: string[] }[];
  missedWithReasons: { caseNo: string; clock: string; lateReason: string | null }[];
}

const phenomenonOf = (data: Partial<CaseSnapshot> | null) =>
  ((data?.data as Record<string, { phenomenon?: string }> | undefined)?.preliminary_analysis?.phenomenon ??
    (data?.data as Record<string, { phenomenon?: string }> | undefined)?.potential_cause_analysis?.phenomenon ??
    null);

/** The cases received in [from, to), in case-number order, with every clock. */
export async function registerRows(db: Db, from: Date, to: Date): Promise<RegisterRow[]> {
  const cases = await db.complaintCase.findMany({
    where: { receivedAt: { gte: from, lt: to } },
    include: { clocks: { orderBy: { startedAt: 'asc' } } },
    orderBy: [{ year: 'asc' }, { seq: 'asc' }],
  });
  return cases.map((c) => {
    const snap = c.data as Partial<CaseSnapshot>;
    const steps = (snap?.data ?? {}) as Record<string, { responsibleDepartmentId?: string }>;
    return {
      caseNo: c.caseNo,
      receivedAt: c.receivedAt.toISOString(),
      customerName: c.customerName,
      product: c.product,
      phenomenon: phenomenonOf(snap),
      category: c.category,
      severity: c.severity,
      origin: c.origin,
      responsibleDepartmentId: steps.preliminary_analysis?.responsibleDepartmentId ?? steps.environmental_investigation?.responsibleDepartmentId ?? null,
      status: c.status,
      resolution: c.resolution,
      closedAt: c.closedAt?.toISOString() ?? null,
      clocks: c.clocks.map((k) => ({ id: k.clockId, dueAt: k.dueAt.toISOString(), stoppedAt: k.stoppedAt?.toISOString() ?? null, outcome: k.outcome, lateReason: k.lateReason })),
    };
  });
}

const REGISTER_HEADER = ['case_no', 'received_at', 'customer', 'product', 'phenomenon', 'category', 'severity', 'origin', 'responsible_department', 'status', 'resolution', 'closed_at', 'reply_due', 'reply_outcome', 'missed_clocks', 'late_reasons'];

/** The register as a table: the header, then one row per case (shared by CSV and XLSX). */
export function registerTable(rows: RegisterRow[]): (string | null)[][] {
  return [
    REGISTER_HEADER,
    ...rows.map((r) => {
      const reply = r.clocks.find((k) => k.id === 'reply');
      const missed = r.clocks.filter((k) => k.outcome === 'missed');
      return [
        r.caseNo, r.receivedAt, r.customerName, r.product, r.phenomenon, r.category, r.severity, r.origin, r.responsibleDepartmentId,
        r.status, r.resolution, r.closedAt, reply?.dueAt ?? null, reply?.outcome ?? (reply ? 'open' : ''), missed.map((k) => k.id).join(' '),
        missed.map((k) => `${k.id}: ${k.lateReason ?? ''}`).join(' | '),
      ];
    }),
  ];
}

/**
 * One RFC 4180 CSV cell. Text that a spreadsheet would run as a formula (starting with
 * = + - @, tab or CR) gets a leading apostrophe: customers' words never execute.
 */
export function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  const safe = typeof v !== 'number' && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 CSV with a UTF-8 BOM (Excel opens Chinese text correctly). */
export function registerCsv(rows: RegisterRow[]): string {
  return '\ufeff' + registerTable(rows).map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** [start, end) of a month "YYYY-MM" in the company's time zone. */
export function monthRange(month: string, timeZone: string): { from: Date; to: Date } {
  const start = DateTime.fromFormat(month, 'yyyy-MM', { zone: timeZone });
  if (!start.isValid) throw new RangeError(`month must look like 2026-11, got "${month}"`);
  return { from: start.toJSDate(), to: start.plus({ months: 1 }).toJSDate() };
}

/** The month before `asOf` in the time zone ("the 1st: last month's statistics"). */
export function previousMonth(asOf: Date, timeZone: string): string {
  return DateTime.fromJSDate(asOf, { zone: timeZone }).minus({ months: 1 }).toFormat('yyyy-MM');
}

function rate(clock: string, outcomes: (string | null)[]): OnTime {
  const counted = outcomes.filter((o) => o && o !== 'cancelled');
  const onTime = counted.filter((o) => o === 'met' || o === 'met_after_extension').length;
  return { clock, total: counted.length, onTime, missed: counted.length - onTime, rate: counted.length ? onTime / counted.length : null };
}

/** Pareto: phenomena by count, descending (ties by name), with share and cumulative share. */
export function pareto(phenomena: string[]): MonthlyStats['pareto'] {
  const counts = new Map<string, number>();
  for (const p of phenomena) counts.set(p, (counts.get(p) ?? 0) + 1);
  const total = phenomena.length;
  let cumulative = 0;
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([phenomenon, count]) => {
      cumulative += count;
      return { phenomenon, count, share: count / total, cumulative: cumulative / total };
    });
}

export async function monthlyStats(db: Db, month: string, timeZone: string): Promise<MonthlyStats> {
  const { from, to } = monthRange(month, timeZone);
  const stopped = await db.caseClock.findMany({ where: { stoppedAt: { gte: from, lt: to }, outcome: { not: null } }, include: { case: { select: { caseNo: true } } } });
  const byClockName = new Map<string, (string | null)[]>();
  for (const k of stopped) byClockName.set(k.clock, [...(byClockName.get(k.clock) ?? []), k.outcome]);
  const received = await db.complaintCase.findMany({ where: { receivedAt: { gte: from, lt: to } }, select: { data: true } });
  const closedCases = await db.complaintCase.findMany({ where: { closedAt: { gte: from, lt: to } }, select: { caseNo: true, data: true }, orderBy: { caseNo: 'asc' } });
  const trend: MonthlyStats['trend'] = [];
  for (let i = 5; i >= 0; i--) {
    const m = DateTime.fromFormat(month, 'yyyy-MM', { zone: timeZone }).minus({ months: i }).toFormat('yyyy-MM');
    const r = monthRange(m, timeZone);
    const replies = await db.caseClock.findMany({ where: { clock: 'reply', stoppedAt: { gte: r.from, lt: r.to }, outcome: { not: null } }, select: { outcome: true } });
    const t = rate('reply', replies.map((x) => x.outcome));
    trend.push({ month: m, rate: t.rate, total: t.total });
  }
  return {
    month,
    timeZone,
    received: received.length,
    closed: closedCases.length,
    overall: rate('overall', stopped.map((k) => k.outcome)),
    reply: rate('reply', byClockName.get('reply') ?? []),
    byClock: [...byClockName.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([clock, o]) => rate(clock, o)),
    trend,
    pareto: pareto(received.map((c) => phenomenonOf(c.data as Partial<CaseSnapshot>) ?? '未分析 / not analysed')),
    causes: closedCases.map((c) => {
      const snap = c.data as Partial<CaseSnapshot>;
      const pa = ((snap?.data ?? {}) as Record<string, Record<string, string>>).preliminary_analysis ?? {};
      return {
        caseNo: c.caseNo,
        phenomenon: phenomenonOf(snap) ?? '—',
        occurrenceCause: pa.occurrenceCause ?? '—',
        escapeCause: pa.escapeCause ?? '—',
        countermeasures: (snap?.countermeasures ?? []).filter((x) => x.kind !== 'containment').map((x) => `${x.ref} ${x.action}`),
      };
    }),
    missedWithReasons: stopped.filter((k) => k.outcome === 'missed').map((k) => ({ caseNo: k.case.caseNo, clock: k.clockId, lateReason: k.lateReason })),
  };
}

// ── Filing and the monthly activities ───────────────────────────────────────────────────

export type PeriodKind = 'register_pdf' | 'register_csv' | 'register_xlsx' | 'monthly_review' | 'csi_report' | 'csi_report_en';

const PERIOD_FORMS: Record<PeriodKind, { docNo: string; stem: string; ext: string; mime: string }> = {
  register_pdf: { docNo: 'QR-7-06', stem: 'market-quality-register', ext: 'pdf', mime: 'application/pdf' },
  register_csv: { docNo: 'QR-7-06', stem: 'market-quality-register', ext: 'csv', mime: 'text/csv; charset=utf-8' },
  register_xlsx: { docNo: 'QR-7-06', stem: 'market-quality-register', ext: 'xlsx', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  monthly_review: { docNo: 'QR-7-07', stem: 'monthly-quality-review', ext: 'pdf', mime: 'application/pdf' },
  csi_report: { docNo: 'QR-6-04', stem: 'customer-satisfaction', ext: 'pdf', mime: 'application/pdf' },
  csi_report_en: { docNo: 'QR-6-04', stem: 'customer-satisfaction-en', ext: 'pdf', mime: 'application/pdf' },
};

export interface ReportDeps {
  db: Db;
  timeZone: string;
  company: { name: string; nameEn: string };
}

/**
 * File a period report: the same data (hash) returns the version filed before; other data
 * becomes the next version. Nothing is overwritten.
 */
export async function filePeriodReport(deps: ReportDeps, kind: PeriodKind, period: string, trigger: string, data: unknown, render: (meta: PeriodDocMeta) => Promise<Buffer | string>) {
  const { db } = deps;
  const dataHash = sha256(canonicalJson(data));
  const issueKey = `${kind}:${period}:${dataHash}`;
  const existing = await db.periodReport.findUnique({ where: { issueKey }, omit: { bytes: true } });
  if (existing) return existing;
  const form = PERIOD_FORMS[kind];
  const meta: PeriodDocMeta = {
    company: { name: deps.company.name, nameEn: deps.company.nameEn, docNo: form.docNo, revision: 'A' },
    period,
    issuedAt: new Date().toISOString(),
    timeZone: deps.timeZone,
    dataHash,
  };
  const out = await render(meta);
  const bytes = typeof out === 'string' ? Buffer.from(out, 'utf8') : out;
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`period:${kind}:${period}`}))`;
    const again = await tx.periodReport.findUnique({ where: { issueKey }, omit: { bytes: true } });
    if (again) return again;
    const last = await tx.periodReport.findFirst({ where: { kind, period }, orderBy: { version: 'desc' }, select: { version: true } });
    const version = (last?.version ?? 0) + 1;
    return tx.periodReport.create({
      data: { kind, period, version, issueKey, fileName: `${form.stem}-${period}-v${version}.${form.ext}`, mimeType: form.mime, sha256: sha256(bytes), dataHash, bytes: new Uint8Array(bytes), size: bytes.length, trigger },
      omit: { bytes: true },
    });
  });
}

/** The register of a period as PDF and CSV, filed. */
export async function fileRegister(deps: ReportDeps, period: string, from: Date, to: Date, trigger: string) {
  const rows = await registerRows(deps.db, from, to);
  const pdf = await filePeriodReport(deps, 'register_pdf', period, trigger, rows, (meta) => renderRegister(meta, rows));
  const csv = await filePeriodReport(deps, 'register_csv', period, trigger, rows, async () => registerCsv(rows));
  const sheet = await filePeriodReport(deps, 'register_xlsx', period, trigger, rows, async (meta) => xlsx(`register ${period}`, registerTable(rows), new Date(meta.issuedAt)));
  return { rows: rows.length, pdf, csv, xlsx: sheet };
}

export function createReportActivities(deps: ReportDeps & { mail: ReturnType<typeof createMailDelivery>; mailDomain: string }) {
  const { db } = deps;
  return {
    /**
     * On the 1st (Temporal Schedule): last month's statistics, computed once and kept as
     * computed, with the register and the Monthly Quality Review filed.
     */
    async compileMonthlyReview(input: { asOf: string; month?: string }): Promise<{ month: string; reviewId: string; registerPdfId: string; registerCsvId: string; reply: OnTime }> {
      const month = input.month ?? previousMonth(new Date(input.asOf), deps.timeZone);
      let row = await db.monthlyReview.findUnique({ where: { month } });
      if (!row) {
        const stats = await monthlyStats(db, month, deps.timeZone);
        await db.monthlyReview.createMany({ data: [{ month, stats: stats as object }], skipDuplicates: true });
        row = await db.monthlyReview.findUniqueOrThrow({ where: { month } });
      }
      const stats = row.stats as unknown as MonthlyStats;
      const review = await filePeriodReport(deps, 'monthly_review', month, 'monthly', stats, (meta) => renderMonthlyReview(meta, stats));
      const { from, to } = monthRange(month, deps.timeZone);
      const reg = await fileRegister(deps, month, from, to, 'monthly');
      return { month, reviewId: review.id, registerPdfId: reg.pdf.id, registerCsvId: reg.csv.id, reply: stats.reply };
    },

    /** Tell the QA manager(s) and the management representative, with the review and the register attached; once per person and month. */
    async sendMonthlyReview(input: { month: string; reviewId: string; registerCsvId: string }): Promise<{ sent: number }> {
      const [review, csv] = await Promise.all([
        db.periodReport.findUniqueOrThrow({ where: { id: input.reviewId } }),
        db.periodReport.findUniqueOrThrow({ where: { id: input.registerCsvId } }),
      ]);
      const stats = (await db.monthlyReview.findUniqueOrThrow({ where: { month: input.month } })).stats as unknown as MonthlyStats;
      const people = await db.person.findMany({ where: { role: { in: ['qa_manager', 'management_rep'] }, active: true }, orderBy: { id: 'asc' } });
      let sent = 0;
      for (const p of people) {
        const key = `monthly:${input.month}:${p.id}`;
        const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`);
        const top = stats.pareto.slice(0, 3).map((x) => `${x.phenomenon} ${x.count}`).join('、') || '—';
        const zh = p.locale !== 'en';
        const mail = renderMail({
          locale: zh ? 'zh-CN' : 'en',
          subject: zh ? `品质检讨会议资料 ${input.month}：回复时效达标率 ${pct(stats.reply.rate)}` : `Monthly Quality Review ${input.month}: on-time replies ${pct(stats.reply.rate)}`,
          preheader: zh ? `受理 ${stats.received} 件，结案 ${stats.closed} 件` : `${stats.received} received, ${stats.closed} closed`,
          tone: stats.missedWithReasons.length ? 'warning' : 'info',
          kicker: zh ? '月度品质统计' : 'Monthly statistics',
          heading: zh ? `${input.month} 品质检讨会议资料` : `Monthly Quality Review ${input.month}`,
          greeting: zh ? `${p.name}，您好：` : `Dear ${p.name},`,
          paragraphs: [
            zh ? '上月客户抱怨统计如下，会议资料（时效达标率、柏拉图、原因及对策）及管理表见附件。' : "Last month's complaint statistics; the review (on-time rate, Pareto, causes and countermeasures) and the register are attached.",
          ],
          facts: [
            { label: zh ? '受理 / 结案' : 'Received / closed', value: `${stats.received} / ${stats.closed}` },
            { label: zh ? '回复时效达标率' : 'On-time replies', value: `${pct(stats.reply.rate)} (${stats.reply.onTime}/${stats.reply.total})`, strong: true },
            { label: zh ? '全部时限达标率' : 'All deadlines on time', value: `${pct(stats.overall.rate)} (${stats.overall.onTime}/${stats.overall.total})` },
            { label: zh ? '主要不良现象' : 'Top phenomena', value: top },
            { label: zh ? '逾期项' : 'Missed deadlines', value: String(stats.missedWithReasons.length) },
          ],
          actionHint: '',
          footer: deps.company.name,
        });
        const status = await deps.mail.send(key, { caseId: null, kind: 'monthly_review', to: [p.email], subject: mail.subject }, () => ({
          to: [p.email],
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: messageIdFromKey(key, deps.mailDomain),
          headers: { 'X-QMS-Kind': 'monthly_review', 'X-QMS-Period': input.month },
          attachments: [
            { filename: review.fileName, content: Buffer.from(review.bytes), contentType: review.mimeType },
            { filename: csv.fileName, content: Buffer.from(csv.bytes), contentType: csv.mimeType },
          ],
        }));
        if (status === 'sent') sent++;
      }
      return { sent };
    },
  };
}
