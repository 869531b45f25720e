/**
 * The quarterly satisfaction questionnaire (顾客满意度调查, §6(4)):
 * - the customer's page `/csi/:token` (no account): five parts graded A … D with a comment
 *   each and an overall comment, in the contact's language with a switch. The token is the
 *   questionnaire's own (HMAC, only its SHA-256 is stored), so it answers for that contact
 *   only, once, and only while the round is open; anything else is said politely.
 * - `GET /api/satisfaction/csi?quarter=2026-Q4` — the index (per customer, per part, overall,
 *   response rate, trend, priorities) and `GET /api/satisfaction/csi/2026-Q4.pdf?lang=zh|en`,
 *   the report filed with its SHA-256 like the other period reports.
 */
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { CSI_GRADES, CSI_PART_LABELS, CSI_PARTS, quarterString, type CsiPart } from '../../activities/csi';
import { csiQuarterReport, csiTokenHash, fileCsiReport } from '../../activities/quarterly-survey';
import type { Db } from '../../prisma/client';
import { notFound } from '../errors';
import type { RouteRegistry } from '../registry';
import { READ_ALL_ROLES } from '../roles';
import { errorResponse } from '../schemas';
import { contentDisposition } from '../content-disposition';
import { customerPage, esc } from '../customer-page';

/** Who reads the CSI: the QA manager, the management representative, auditors, administrators. */
export const CSI_ROLES = READ_ALL_ROLES;

type Lang = 'zh' | 'en';

const TEXT: Record<string, [string, string]> = {
  title: ['顾客满意度调查', 'Customer satisfaction survey'],
  intro: ['请就本季度我司的表现，为以下五个方面评分（A 最好，C 为可接受的下限，D 为完全不接受），并留下您的意见。', 'Please grade our performance this quarter on the five parts below (A is best, C the lowest acceptable, D not acceptable at all) and tell us what we should improve.'],
  grade: ['评分', 'Grade'],
  comment: ['意见（可选）', 'Comment (optional)'],
  overall: ['总体意见（可选）', 'Overall comment (optional)'],
  submit: ['提交', 'Submit'],
  until: ['截止时间', 'Open until'],
  required: ['请选择一个等级', 'please choose a grade'],
  too_long: ['意见过长（最多 2000 字）', 'too long (at most 2000 characters)'],
  errors: ['请检查标出的项目。', 'Please check the marked fields.'],
  thanks: ['感谢您的回复', 'Thank you for your answer'],
  thanks_body: ['我们已收到您的评价，将用于持续改进。', 'We have received your grades and will use them to improve.'],
  answered: ['此调查已经回复过了', 'This questionnaire has already been answered'],
  answered_body: ['每个链接只能提交一次。感谢您的参与！', 'Each link can be used once. Thank you for taking part!'],
  closed: ['本季度调查已截止', 'This survey has closed'],
  closed_body: ['很抱歉，本季度的满意度调查已经截止，无法再提交。如有意见，请联系您的营业代表。', 'Sorry, this quarter’s survey has closed and no more answers can be accepted. Please contact your sales representative with any feedback.'],
  invalid: ['链接无效', 'Link not valid'],
  invalid_body: ['请检查邮件中的链接是否完整。', 'Please check that the link from your e-mail is complete.'],
  for: ['受邀人', 'For'],
};
const tr = (lang: Lang, key: string) => TEXT[key][lang === 'zh' ? 0 : 1];

const page = (res: Response, status: number, lang: Lang, title: string, body: string, switchHref?: string) => customerPage(res, { status, lang, title, body, switchHref });

const gradeField = z.enum(CSI_GRADES);
const commentField = z.string().trim().max(2000, 'too_long').optional();

/** The form's fields: grade_<part> (required), comment_<part> and comment_overall (optional). */
export const csiAnswerSchema = z.object({
  ...Object.fromEntries(CSI_PARTS.map((p) => [`grade_${p}`, gradeField])),
  ...Object.fromEntries([...CSI_PARTS, 'overall'].map((p) => [`comment_${p}`, commentField])),
}) as unknown as z.ZodType<Record<string, string | undefined>>;

export interface CsiRouteDeps {
  db: Db;
  timeZone: string;
  company: { name: string; nameEn: string };
}

export function csiRoutes(registry: RouteRegistry, deps: CsiRouteDeps): Router {
  const router = Router();
  const { db } = deps;
  const err = { description: 'Error', schema: errorResponse };

  async function questionnaireOf(token: string) {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
    return db.csiResponse.findUnique({ where: { tokenHash: csiTokenHash(token) }, include: { round: true } });
  }
  type Q = NonNullable<Awaited<ReturnType<typeof questionnaireOf>>>;
  const langOf = (q: Q | null, requested: unknown): Lang => (requested === 'en' || requested === 'zh' ? requested : q?.language === 'en' ? 'en' : 'zh');
  const isClosed = (q: Q) => q.round.status !== 'open' || q.round.closesAt.getTime() <= Date.now();
  const fmt = (d: Date, lang: Lang) =>
    new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: deps.timeZone, dateStyle: 'long', timeStyle: 'short' }).format(d);

  function message(res: Response, status: number, lang: Lang, key: 'answered' | 'closed' | 'invalid' | 'thanks') {
    page(res, status, lang, `${tr(lang, 'title')} · ${tr(lang, key)}`, `<h1>${esc(tr(lang, key))}</h1><p>${esc(tr(lang, `${key === 'thanks' ? 'thanks' : key}_body`))}</p>`);
  }

  function form(res: Response, token: string, q: Q, lang: Lang, values: Record<string, unknown> = {}, errors: Record<string, string> = {}, status = 200) {
    const company = lang === 'zh' ? deps.company.name : deps.company.nameEn;
    const parts = CSI_PARTS.map((p) => {
      const name = `grade_${p}`;
      const e = errors[name];
      return `<fieldset${e ? ' class="invalid"' : ''} id="part-${p}"><legend>${esc(CSI_PART_LABELS[p][lang])}${lang === 'zh' ? ` <small>${esc(CSI_PART_LABELS[p].en)}</small>` : ''}</legend>
<div role="radiogroup" aria-label="${esc(CSI_PART_LABELS[p][lang])} ${esc(tr(lang, 'grade'))}"${e ? ` aria-describedby="err-${p}"` : ''}>${CSI_GRADES.map((g) => `<label><input type="radio" name="${name}" value="${g}"${values[name] === g ? ' checked' : ''} required> ${g}</label>`).join('')}</div>
${e ? `<p class="error" id="err-${p}">${esc(e)}</p>` : ''}
<label for="comment_${p}">${esc(tr(lang, 'comment'))}</label><textarea id="comment_${p}" name="comment_${p}" maxlength="2000">${esc(values[`comment_${p}`])}</textarea>
${errors[`comment_${p}`] ? `<p class="error">${esc(errors[`comment_${p}`])}</p>` : ''}</fieldset>`;
    }).join('\n');
    page(
      res,
      status,
      lang,
      `${tr(lang, 'title')} ${q.round.quarter}`,
      `<h1>${esc(tr(lang, 'title'))} ${esc(q.round.quarter)} <small>${esc(company)}</small></h1>
<p>${esc(tr(lang, 'for'))}: <strong>${esc(q.contactName)}</strong>（${esc(q.customerName)}）</p>
<p>${esc(tr(lang, 'intro'))}</p>
${Object.keys(errors).length ? `<p class="error" role="alert">${esc(tr(lang, 'errors'))}</p>` : ''}
<form method="post" action="/csi/${esc(token)}?lang=${lang}">
${parts}
<fieldset><legend><label for="comment_overall">${esc(tr(lang, 'overall'))}</label></legend><textarea id="comment_overall" name="comment_overall" maxlength="2000">${esc(values.comment_overall)}</textarea>
${errors.comment_overall ? `<p class="error">${esc(errors.comment_overall)}</p>` : ''}</fieldset>
<button type="submit">${esc(tr(lang, 'submit'))}</button> <small>${esc(tr(lang, 'until'))} ${esc(fmt(q.round.closesAt, lang))}</small>
</form>`,
      `/csi/${token}?lang=${lang === 'zh' ? 'en' : 'zh'}`,
    );
  }

  router.get('/csi/:token', async (req, res) => {
    const q = await questionnaireOf(req.params.token);
    const lang = langOf(q, req.query.lang);
    if (!q) return message(res, 404, lang, 'invalid');
    if (q.answeredAt) return message(res, 409, lang, 'answered');
    if (isClosed(q)) return message(res, 410, lang, 'closed');
    form(res, req.params.token, q, lang);
  });

  router.post('/csi/:token', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
    const q = await questionnaireOf(req.params.token);
    const lang = langOf(q, req.query.lang);
    if (!q) return message(res, 404, lang, 'invalid');
    if (q.answeredAt) return message(res, 409, lang, 'answered');
    if (isClosed(q)) return message(res, 410, lang, 'closed');
    const body = Object.fromEntries(Object.entries({ ...req.body } as Record<string, unknown>).filter(([, v]) => v !== ''));
    const parsed = csiAnswerSchema.safeParse(body);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const i of parsed.error.issues) {
        const field = String(i.path[0]);
        errors[field] ??= field.startsWith('grade_') ? tr(lang, 'required') : tr(lang, 'too_long');
      }
      return form(res, req.params.token, q, lang, body, errors, 422);
    }
    const grades = Object.fromEntries(CSI_PARTS.map((p) => [p, parsed.data[`grade_${p}`]])) as Record<CsiPart, string>;
    const comments = Object.fromEntries([...CSI_PARTS, 'overall'].flatMap((p) => (parsed.data[`comment_${p}`] ? [[p, parsed.data[`comment_${p}`]]] : [])));
    const now = new Date();
    // First answer wins, and only while the round is open (checked in the same statement).
    const updated = await db.csiResponse.updateMany({
      where: { id: q.id, answeredAt: null, round: { status: 'open', closesAt: { gt: now } } },
      data: { answeredAt: now, grades, comments },
    });
    if (!updated.count) {
      const again = await db.csiResponse.findUniqueOrThrow({ where: { id: q.id }, include: { round: true } });
      return message(res, again.answeredAt ? 409 : 410, lang, again.answeredAt ? 'answered' : 'closed');
    }
    message(res, 200, lang, 'thanks');
  });

  const quarterQuery = z.object({ quarter: quarterString.optional().describe('default: the latest round') });

  async function reportOf(quarter: string | undefined) {
    const q = quarter ?? (await db.csiRound.findFirst({ orderBy: { quarter: 'desc' }, select: { quarter: true } }))?.quarter;
    const report = q ? await csiQuarterReport(db, q) : null;
    if (!report) throw notFound(`The satisfaction survey round ${quarter ?? ''}`.trim());
    return report;
  }

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/satisfaction/csi',
      summary: 'Customer satisfaction index (CSI) of a quarter: per customer, per part and overall, response rate, trend, improvement priorities',
      tags: ['satisfaction'],
      roles: CSI_ROLES,
      query: quarterQuery,
      responses: { 200: { description: 'The index' }, 400: err, 404: err },
    },
    async ({ query }) => {
      const r = await reportOf(query.quarter);
      return { ...r, partLabels: CSI_PART_LABELS };
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/satisfaction/csi/:quarter.pdf',
      summary: 'The customer satisfaction report (顾客满意度调查报告) of a quarter as PDF: radar, bars by customer, trend, priorities (filed)',
      tags: ['satisfaction'],
      roles: CSI_ROLES,
      params: z.object({ quarter: quarterString }),
      query: z.object({ lang: z.enum(['zh', 'en']).default('zh') }),
      responses: { 200: { description: 'The filed report', contentType: 'application/pdf' }, 400: err, 404: err },
    },
    async ({ params, query, res }) => {
      const report = await reportOf(params.quarter);
      const filed = await fileCsiReport({ db, timeZone: deps.timeZone, company: deps.company }, report, query.lang, report.status === 'closed' ? 'download' : 'preview');
      const f = await db.periodReport.findUniqueOrThrow({ where: { id: filed.id } });
      res.status(200).type(f.mimeType).set('Content-Disposition', contentDisposition('attachment', f.fileName)).set('X-Content-SHA256', f.sha256).send(Buffer.from(f.bytes));
    },
  );

  return router;
}
