/** What the pages read from the database: my work, the filtered case list, statistics, similar cases. */
import { DateTime } from 'luxon';
import { csvCell, pareto } from '../activities/reports';

export { csvCell };
import type { Db, Prisma } from '../prisma/client';
import { STEP_ROLES, type HumanStep } from '../workflows/steps';
import type { CountermeasureItem } from '../workflows/types';
import type { Me } from './layout';

/** complaint_case.data: the workflow's snapshot. */
export interface CaseData {
  data?: Record<string, Record<string, unknown> | undefined>;
  countermeasures?: CountermeasureItem[];
  compensation?: unknown;
  rpr?: { workflowId: string; status: string; step: string } | null;
  capaRound?: number;
}
export const caseDataOf = (v: unknown): CaseData => (v && typeof v === 'object' ? (v as CaseData) : {});

export const responsibleDeptOf = (d: CaseData): string | null =>
  (d.data?.root_cause_analysis?.responsibleDepartmentId as string | undefined) ??
  (d.data?.preliminary_analysis?.responsibleDepartmentId as string | undefined) ??
  (d.data?.environmental_investigation?.responsibleDepartmentId as string | undefined) ??
  null;

export const phenomenonOf = (d: CaseData): string | null =>
  (d.data?.preliminary_analysis?.phenomenon as string | undefined) ?? (d.data?.potential_cause_analysis?.phenomenon as string | undefined) ?? null;

/** May this person record the case's current step (role, responsible department, own sales case)? */
export function mayRecordStep(me: Me, c: { step: string; status: string; salesRepId: string; data: unknown }): boolean {
  if (c.status !== 'open' || !(c.step in STEP_ROLES)) return false;
  if (!STEP_ROLES[c.step as HumanStep].includes(me.role as never)) return false;
  if (me.role === 'department_owner') return responsibleDeptOf(caseDataOf(c.data)) === me.departmentId;
  if (me.role === 'sales') return c.salesRepId === me.id;
  return true;
}

export interface WorkItem {
  caseNo: string;
  customerName: string;
  product: string;
  severity: string;
  step: string;
  /** The clock (null: a step with no deadline of its own, e.g. the sample). */
  clockId: string | null;
  clock: string | null;
  dueAt: Date | null;
  startedAt: Date | null;
}

export async function myWork(db: Db, me: Me): Promise<WorkItem[]> {
  const clocks = await db.caseClock.findMany({
    where: {
      outcome: null,
      ownerRole: me.role,
      OR: [{ ownerDeptId: null }, { ownerDeptId: me.departmentId }],
      case: { status: 'open', ...(me.role === 'sales' ? { salesRepId: me.id } : {}) },
    },
    include: { case: { select: { caseNo: true, customerName: true, product: true, severity: true, step: true } } },
    orderBy: { dueAt: 'asc' },
    take: 500,
  });
  const items: WorkItem[] = clocks.map((k) => ({
    caseNo: k.case.caseNo,
    customerName: k.case.customerName,
    product: k.case.product,
    severity: k.case.severity,
    step: k.case.step,
    clockId: k.clockId,
    clock: k.clock,
    dueAt: k.dueAt,
    startedAt: k.startedAt,
  }));
  const mySteps = (Object.keys(STEP_ROLES) as HumanStep[]).filter((s) => STEP_ROLES[s].includes(me.role as never));
  if (mySteps.length) {
    const atStep = await db.complaintCase.findMany({
      where: { status: 'open', step: { in: mySteps }, ...(me.role === 'sales' ? { salesRepId: me.id } : {}) },
      select: { caseNo: true, customerName: true, product: true, severity: true, step: true, status: true, salesRepId: true, data: true },
      take: 500,
    });
    const listed = new Set(items.map((i) => i.caseNo));
    for (const c of atStep) {
      if (listed.has(c.caseNo) || !mayRecordStep(me, c)) continue;
      items.push({ caseNo: c.caseNo, customerName: c.customerName, product: c.product, severity: c.severity, step: c.step, clockId: null, clock: null, dueAt: null, startedAt: null });
    }
  }
  return items;
}

export async function myWorkCount(db: Db, me: Me): Promise<number> {
  return (await myWork(db, me)).length;
}

// ---------------------------------------------------------------- case list

export interface CaseFilter {
  status?: string;
  step?: string;
  severity?: string;
  origin?: string;
  category?: string;
  customer?: string;
  product?: string;
  overdue?: boolean;
  from?: string;
  to?: string;
  q?: string;
}

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 200) : undefined);

export function filterOf(query: Record<string, unknown>): CaseFilter {
  return {
    status: str(query.status),
    step: str(query.step),
    severity: str(query.severity),
    origin: str(query.origin),
    category: str(query.category),
    customer: str(query.customer),
    product: str(query.product),
    overdue: query.overdue === '1' || query.overdue === 'on',
    from: str(query.from),
    to: str(query.to),
    q: str(query.q),
  };
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

/** Page sizes offered on the case list (the largest is also the most one page shows). */
export const PAGE_SIZES = [25, 50, 100, 200, 500] as const;
export const DEFAULT_PAGE_SIZE = 100;

export interface Paging {
  page: number;
  size: number;
}

export function pagingOf(query: Record<string, unknown>): Paging {
  const size = Number(query.size);
  const page = Number(query.page);
  return {
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_PAGE_SIZE,
    page: Number.isInteger(page) && page >= 1 && page <= 1_000_000 ? page : 1,
  };
}

async function caseWhere(db: Db, f: CaseFilter, tz: string): Promise<Prisma.ComplaintCaseWhereInput> {
  const where: Prisma.ComplaintCaseWhereInput = {};
  if (f.status) where.status = f.status;
  if (f.step) where.step = f.step;
  if (f.severity) where.severity = f.severity;
  if (f.origin) where.origin = f.origin;
  if (f.category) where.category = f.category;
  if (f.customer) where.customerName = { contains: f.customer, mode: 'insensitive' };
  if (f.product) where.product = { contains: f.product, mode: 'insensitive' };
  const from = f.from ? DateTime.fromISO(f.from, { zone: tz }) : null;
  const to = f.to ? DateTime.fromISO(f.to, { zone: tz }) : null;
  if (from?.isValid || to?.isValid) {
    where.receivedAt = { ...(from?.isValid ? { gte: from.toJSDate() } : {}), ...(to?.isValid ? { lt: to.plus({ days: 1 }).toJSDate() } : {}) };
  }
  if (f.overdue) where.clocks = { some: { outcome: null, dueAt: { lt: new Date() } } };
  if (f.q) {
    // Full text over the description and the recorded causes (ILIKE; the steps' data is JSON).
    const pattern = `%${likeEscape(f.q)}%`;
    const rows = await db.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM complaint_case
      WHERE description ILIKE ${pattern}
         OR concat_ws(' ',
              data #>> '{data,preliminary_analysis,phenomenon}',
              data #>> '{data,preliminary_analysis,occurrenceCause}',
              data #>> '{data,preliminary_analysis,escapeCause}',
              data #>> '{data,root_cause_analysis,rootCause}',
              data #>> '{data,potential_cause_analysis,phenomenon}',
              data #>> '{data,potential_cause_analysis,conclusion}',
              data #>> '{data,potential_cause_analysis,potentialCauses}',
              data #>> '{data,environmental_investigation,findings}') ILIKE ${pattern}`;
    where.id = { in: rows.map((r) => r.id) };
  }
  return where;
}

/** The filtered list, newest first: `limit` rows from `offset`. */
export async function listCases(db: Db, f: CaseFilter, tz: string, limit = 500, offset = 0) {
  return db.complaintCase.findMany({
    where: await caseWhere(db, f, tz),
    include: { salesRep: { select: { id: true, name: true } }, clocks: { where: { outcome: null }, orderBy: { dueAt: 'asc' } } },
    orderBy: [{ year: 'desc' }, { seq: 'desc' }],
    take: limit,
    skip: offset,
  });
}

/** One page of the filtered list and the total number of matching cases. */
export async function pageOfCases(db: Db, f: CaseFilter, tz: string, p: Paging) {
  const where = await caseWhere(db, f, tz);
  const total = await db.complaintCase.count({ where });
  const pages = Math.max(1, Math.ceil(total / p.size));
  const page = Math.min(p.page, pages);
  const rows = await db.complaintCase.findMany({
    where,
    include: { salesRep: { select: { id: true, name: true } }, clocks: { where: { outcome: null }, orderBy: { dueAt: 'asc' } } },
    orderBy: [{ year: 'desc' }, { seq: 'desc' }],
    take: p.size,
    skip: (page - 1) * p.size,
  });
  return { rows, total, page, pages, size: p.size };
}

/** Export columns of the case list (CSV and XLSX). */
export const CASE_EXPORT_HEADER = ['case_no', 'received_at', 'customer', 'product', 'lot', 'quantity', 'category', 'severity', 'origin', 'status', 'step', 'sales_rep', 'phenomenon', 'occurrence_cause', 'next_deadline', 'next_due', 'overdue', 'resolution', 'closed_at'];

/** The export rows (header first): text, numbers where they are numbers, times in `tz`. */
export function caseExportRows(rows: Awaited<ReturnType<typeof listCases>>, tz: string): (string | number | null)[][] {
  const t = (d: Date | null | undefined) => (d ? DateTime.fromJSDate(d, { zone: tz }).toFormat('yyyy-MM-dd HH:mm') : '');
  const now = Date.now();
  const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  return [
    CASE_EXPORT_HEADER,
    ...rows.map((c) => {
      const d = caseDataOf(c.data);
      const next = c.clocks[0];
      return [
        c.caseNo, t(c.receivedAt), c.customerName, c.product, str(c.lot), c.quantity ?? null, c.category, c.severity, c.origin, c.status, c.step, c.salesRep.name,
        str(phenomenonOf(d)), str(d.data?.preliminary_analysis?.occurrenceCause), str(next?.clockId), t(next?.dueAt), c.clocks.some((k) => k.dueAt.getTime() < now) ? 'yes' : 'no',
        str(c.resolution), t(c.closedAt),
      ];
    }),
  ];
}

/** The filtered case list as CSV (cells guarded against formula injection: csvCell). */
export function casesCsv(rows: Awaited<ReturnType<typeof listCases>>, tz: string): string {
  return '\ufeff' + caseExportRows(rows, tz).map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------- dashboard

export async function dashboardStats(db: Db, tz: string, months = 6) {
  const now = DateTime.now().setZone(tz);
  const start = now.startOf('month').minus({ months: months - 1 });
  const stopped = await db.caseClock.findMany({
    where: { outcome: { not: null }, stoppedAt: { gte: start.toJSDate() } },
    select: { outcome: true, stoppedAt: true },
  });
  const monthsList = Array.from({ length: months }, (_, i) => start.plus({ months: i }).toFormat('yyyy-MM'));
  const onTime = monthsList.map((m) => {
    const inMonth = stopped.filter((k) => k.outcome !== 'cancelled' && DateTime.fromJSDate(k.stoppedAt!, { zone: tz }).toFormat('yyyy-MM') === m);
    const ok = inMonth.filter((k) => k.outcome === 'met' || k.outcome === 'met_after_extension').length;
    return { month: m, total: inMonth.length, onTime: ok, rate: inMonth.length ? ok / inMonth.length : null };
  });

  const all = await db.complaintCase.findMany({ select: { data: true, status: true, step: true, receivedAt: true } });
  const phen = all.map((c) => phenomenonOf(caseDataOf(c.data))).filter((p): p is string => !!p);
  const par = pareto(phen).slice(0, 10);

  const ageBuckets = ['0–2', '3–7', '8–30', '>30'];
  const bucket = (days: number) => (days <= 2 ? 0 : days <= 7 ? 1 : days <= 30 ? 2 : 3);
  const byStep = new Map<string, number[]>();
  for (const c of all.filter((c) => c.status === 'open')) {
    const days = Math.floor((Date.now() - c.receivedAt.getTime()) / 86_400_000);
    const row = byStep.get(c.step) ?? [0, 0, 0, 0];
    row[bucket(days)]!++;
    byStep.set(c.step, row);
  }

  const overdue = await db.caseClock.findMany({
    where: { outcome: null, dueAt: { lt: new Date() }, case: { status: 'open' } },
    select: { ownerRole: true, ownerDeptId: true },
  });
  const roleDept: Record<string, string> = { sales: 'dept-sales', qa_engineer: 'dept-qa', qa_manager: 'dept-qa', general_affairs: 'dept-ga', management_rep: 'dept-mgmt' };
  const byDept = new Map<string, number>();
  for (const k of overdue) {
    const d = k.ownerDeptId ?? roleDept[k.ownerRole] ?? k.ownerRole;
    byDept.set(d, (byDept.get(d) ?? 0) + 1);
  }
  return {
    onTime,
    pareto: par,
    ageBuckets,
    openByStep: [...byStep.entries()].sort((a, b) => b[1].reduce((x, y) => x + y, 0) - a[1].reduce((x, y) => x + y, 0)),
    overdueByDept: [...byDept.entries()].sort((a, b) => b[1] - a[1]),
  };
}

// ---------------------------------------------------------------- similar cases

/** Earlier complaints on the same product or with the same defect phenomenon, with their causes and countermeasures. */
export async function similarCases(db: Db, c: { id: string; product: string; receivedAt: Date; data: unknown }) {
  const phenomenon = phenomenonOf(caseDataOf(c.data));
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM complaint_case
    WHERE id <> ${c.id}::uuid AND received_at <= ${c.receivedAt}
      AND (lower(product) = lower(${c.product})
           OR (${phenomenon}::text IS NOT NULL AND (data #>> '{data,preliminary_analysis,phenomenon}' = ${phenomenon}::text
                                           OR data #>> '{data,potential_cause_analysis,phenomenon}' = ${phenomenon}::text)))
    ORDER BY received_at DESC LIMIT 10`;
  if (!rows.length) return [];
  const cases = await db.complaintCase.findMany({ where: { id: { in: rows.map((r) => r.id) } }, orderBy: { receivedAt: 'desc' } });
  return cases.map((s) => {
    const d = caseDataOf(s.data);
    return {
      caseNo: s.caseNo,
      receivedAt: s.receivedAt,
      customerName: s.customerName,
      product: s.product,
      status: s.status,
      samePhenomenon: !!phenomenon && phenomenonOf(d) === phenomenon,
      phenomenon: phenomenonOf(d),
      causes: [
        d.data?.preliminary_analysis?.occurrenceCause,
        d.data?.preliminary_analysis?.escapeCause,
        d.data?.root_cause_analysis?.rootCause,
        d.data?.potential_cause_analysis?.conclusion,
      ].filter((x): x is string => typeof x === 'string' && !!x),
      countermeasures: (d.countermeasures ?? []).map((m) => ({ ref: m.ref, action: m.action, status: m.status, effect: m.effect })),
    };
  });
}
