/**
 * /api/reports — the period reports for a date range: the Market Quality Abnormality
 * Register (PDF or CSV) and the Monthly Quality Review (statistics as JSON, the PDF). Every
 * download is filed first (same data → same filed version), so a printed copy can be
 * traced back by the hash in its footer. Plus the 8D export of a case.
 */
import { Router, type Response } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { createDocumentActivities } from '../../activities/documents';
import { fileRegister, filePeriodReport, monthlyStats, type MonthlyStats, type ReportDeps } from '../../activities/reports';
import type { Db } from '../../prisma/client';
import { renderMonthlyReview } from '../../templates/pdf/period-reports';
import { HttpError } from '../errors';
import type { RouteRegistry } from '../registry';
import { READ_ALL_ROLES } from '../roles';
import { caseNoParam, errorResponse } from '../schemas';
import type { CaseService } from '../services/cases';
import { contentDisposition } from '../content-disposition';

const REPORT_ROLES = [...READ_ALL_ROLES, 'qa_engineer'] as const;
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must look like 2026-11-01');
const monthParam = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must look like 2026-11') });

export interface ReportRouteDeps {
  db: Db;
  cases: CaseService;
  timeZone: string;
  company: { name: string; nameEn: string };
}

export function reportRoutes(registry: RouteRegistry, deps: ReportRouteDeps): Router {
  const router = Router();
  const { db } = deps;
  const err = { description: 'Error', schema: errorResponse };
  const reportDeps: ReportDeps = { db, timeZone: deps.timeZone, company: deps.company };
  const documents = createDocumentActivities({ db, timeZone: deps.timeZone, company: deps.company });

  const send = (res: Response, f: { fileName: string; mimeType: string; sha256: string; bytes: Uint8Array }) =>
    res.status(200).type(f.mimeType).set('Content-Disposition', contentDisposition('attachment', f.fileName)).set('X-Content-SHA256', f.sha256).send(Buffer.from(f.bytes));

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/reports/register',
      summary: 'The Market Quality Abnormality Register (市场品质异常管理表) of the cases received in a date range, as PDF, CSV or XLSX',
      tags: ['reports'],
      roles: REPORT_ROLES,
      query: z.object({ from: day, to: day.describe('inclusive'), format: z.enum(['pdf', 'csv', 'xlsx']).default('pdf') }),
      responses: { 200: { description: 'The filed register', contentType: 'application/pdf' }, 400: err },
    },
    async ({ query, res }) => {
      const start = DateTime.fromISO(query.from, { zone: deps.timeZone }).startOf('day').toJSDate();
      const end = DateTime.fromISO(query.to, { zone: deps.timeZone }).startOf('day').plus({ days: 1 }).toJSDate();
      if (end <= start) throw new HttpError(400, 'invalid_request', 'to: must not be before from', [{ field: 'to', reason: 'must not be before from' }]);
      const r = await fileRegister(reportDeps, `${query.from}..${query.to}`, start, end, 'download');
      const filed = await db.periodReport.findUniqueOrThrow({ where: { id: { pdf: r.pdf.id, csv: r.csv.id, xlsx: r.xlsx.id }[query.format] } });
      send(res, filed);
    },
  );

  async function statsOf(month: string): Promise<{ stats: MonthlyStats; final: boolean }> {
    const stored = await db.monthlyReview.findUnique({ where: { month } });
    return stored ? { stats: stored.stats as unknown as MonthlyStats, final: true } : { stats: await monthlyStats(db, month, deps.timeZone), final: false };
  }

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/reports/monthly/:month',
      summary: 'The monthly statistics: on-time rate and trend, Pareto of phenomena, causes and countermeasures',
      description: '`final: true` once the 1st-of-month schedule has stored them; before that a live preview.',
      tags: ['reports'],
      roles: REPORT_ROLES,
      params: monthParam,
      responses: { 200: { description: 'Statistics' }, 400: err },
    },
    async ({ params }) => {
      const { stats, final } = await statsOf(params.month);
      return { final, ...stats };
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/reports/monthly/:month/review.pdf',
      summary: 'The Monthly Quality Review (品质检讨会议资料) as PDF, with its charts',
      tags: ['reports'],
      roles: REPORT_ROLES,
      params: monthParam,
      responses: { 200: { description: 'The filed review', contentType: 'application/pdf' }, 400: err },
    },
    async ({ params, res }) => {
      const { stats, final } = await statsOf(params.month);
      const r = await filePeriodReport(reportDeps, 'monthly_review', params.month, final ? 'monthly' : 'preview', stats, (meta) => renderMonthlyReview(meta, stats));
      send(res, await db.periodReport.findUniqueOrThrow({ where: { id: r.id } }));
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/complaints/:caseNo/8d.pdf',
      summary: 'The 8D report (D1–D8) of a case, as automotive customers ask for (filed as a case document)',
      tags: ['documents'],
      params: caseNoParam,
      responses: { 200: { description: 'The 8D report', contentType: 'application/pdf' }, 404: err },
    },
    async ({ params, res }) => {
      const c = await deps.cases.get(params.caseNo);
      const events = await db.caseEvent.count({ where: { caseId: c.id } });
      const d = await documents.issueDocument({ caseId: c.id, kind: 'eight_d', trigger: `export@${events}` });
      send(res, await db.caseDocument.findUniqueOrThrow({ where: { id: d.id } }));
    },
  );

  return router;
}
