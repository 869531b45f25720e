/**
 * The customer's "second satisfaction" survey (二度满意): a page that needs no account,
 * reached by the link in the e-mail sent after closure. The link's token identifies the
 * case; it cannot be guessed (HMAC with the server secret), answers once, and expires.
 * An answered or expired link says so politely. Plus the quality side: the survey of a
 * case and the QA manager's follow-up of a dissatisfied answer.
 */
import express, { Router, type Response } from 'express';
import type { Client } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { surveyTokenHash } from '../../activities/surveys';
import type { Db } from '../../prisma/client';
import { answerSurveyUpdate, completeFollowUpUpdate } from '../../workflows/messages';
import { requestSchemas } from '../../workflows/steps';
import { customerPage, esc } from '../customer-page';
import { notFound } from '../errors';
import { actorOf } from '../roles';
import type { RouteRegistry } from '../registry';
import { caseNoParam, errorResponse } from '../schemas';
import type { CaseService } from '../services/cases';

const page = (res: Response, status: number, title: string, body: string) => customerPage(res, { status, lang: 'zh', title, body });

const scale = (name: string, legend: string, value: unknown, error?: string) => `<fieldset><legend>${legend}</legend>
${[1, 2, 3, 4, 5].map((n) => `<label><input type="radio" name="${name}" value="${n}" ${String(value) === String(n) ? 'checked' : ''} required> ${n}</label>`).join('')}
<small>1 = 很差 poor · 5 = 很好 excellent</small>${error ? `<p class="error">${esc(error)}</p>` : ''}</fieldset>`;

export interface SurveyRouteDeps {
  db: Db;
  temporal: Client;
  cases: CaseService;
}

export function surveyRoutes(registry: RouteRegistry, deps: SurveyRouteDeps): Router {
  const router = Router();
  const { db, temporal, cases } = deps;
  const err = { description: 'Error', schema: errorResponse };

  async function surveyOf(token: string) {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
    return db.satisfactionSurvey.findUnique({ where: { tokenHash: surveyTokenHash(token) }, include: { case: true } });
  }

  function form(res: Response, token: string, s: NonNullable<Awaited<ReturnType<typeof surveyOf>>>, values: Record<string, unknown> = {}, errors: Record<string, string> = {}, status = 200) {
    const outcome = (v: string, zh: string, en: string) =>
      `<label><input type="radio" name="outcome" value="${v}" ${values.outcome === v ? 'checked' : ''} required> ${zh} / ${en}</label>`;
    page(res, status, '客户满意度调查 · Customer satisfaction', `
<h1>客户满意度调查 <small>Customer satisfaction</small></h1>
<p>关于案件 <strong>${esc(s.case.caseNo)}</strong>（${esc(s.case.product)}）的处理，请您花一分钟告诉我们您的看法。<br>
<small>About case ${esc(s.case.caseNo)} (${esc(s.case.product)}): one minute of your time helps us improve.</small></p>
<form method="post" action="/survey/${esc(token)}">
<fieldset><legend>处理结果是否符合您的期望？ Was the outcome what you expected?</legend>
${outcome('satisfied', '满意', 'satisfied')}${outcome('neutral', '一般', 'neutral')}${outcome('dissatisfied', '不满意', 'dissatisfied')}
${errors.outcome ? `<p class="error">${esc(errors.outcome)}</p>` : ''}</fieldset>
${scale('speed', '处理速度 Speed', values.speed, errors.speed)}
${scale('communication', '沟通 Communication', values.communication, errors.communication)}
<fieldset><legend><label for="comment">意见 Comments</label></legend><textarea id="comment" name="comment" maxlength="5000">${esc(values.comment)}</textarea></fieldset>
<button type="submit">提交 Submit</button> <small>有效期至 Valid until ${esc(s.expiresAt.toISOString().slice(0, 10))}</small>
</form>`);
  }

  const closedPage = (res: Response, s: { answeredAt: Date | null }) =>
    page(
      res,
      s.answeredAt ? 409 : 410,
      '客户满意度调查 · Customer satisfaction',
      s.answeredAt
        ? '<h1>感谢您的回复 <small>Thank you</small></h1><p>此调查已经回复过了，每个链接只能回复一次。<br><small>This survey has already been answered; each link can be used once.</small></p>'
        : '<h1>调查已结束 <small>This survey has closed</small></h1><p>很抱歉，此调查链接已过期。如需反馈，请联系您的营业代表。<br><small>Sorry, this link has expired. Please contact your sales representative.</small></p>',
    );

  router.get('/survey/:token', async (req, res) => {
    const s = await surveyOf(req.params.token);
    if (!s) return page(res, 404, 'Not found', '<h1>链接无效 <small>Link not valid</small></h1><p>请检查邮件中的链接。<br><small>Please check the link in your e-mail.</small></p>');
    if (s.answeredAt || s.expiresAt.getTime() < Date.now()) return closedPage(res, s);
    form(res, req.params.token, s);
  });

  router.post('/survey/:token', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
    const s = await surveyOf(req.params.token);
    if (!s) return page(res, 404, 'Not found', '<h1>链接无效 <small>Link not valid</small></h1>');
    if (s.answeredAt || s.expiresAt.getTime() < Date.now()) return closedPage(res, s);
    const body = { ...req.body } as Record<string, unknown>;
    if (body.comment === '') delete body.comment;
    const parsed = requestSchemas.surveyAnswer.safeParse(body);
    if (!parsed.success) {
      const errors = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? 'outcome'), i.message === 'is required' ? '请选择 / please choose' : i.message]));
      return form(res, req.params.token, s, body, errors, 400);
    }
    try {
      await temporal.workflow.getHandle(s.case.workflowId).executeUpdate(answerSurveyUpdate, { args: [parsed.data] });
    } catch (e) {
      if (e instanceof WorkflowUpdateFailedError) return closedPage(res, { answeredAt: new Date() });
      throw e;
    }
    page(res, 200, '感谢 · Thank you', '<h1>感谢您的回复 <small>Thank you for your answer</small></h1><p>我们已收到您的意见。<br><small>We have received your feedback.</small></p>');
  });

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/complaints/:caseNo/satisfaction',
      summary: "The customer's second-satisfaction survey of a case (sent after closure) and its follow-up",
      tags: ['satisfaction'],
      params: caseNoParam,
      responses: { 200: { description: 'The survey' }, 404: err },
    },
    async ({ params }) => {
      const c = await cases.get(params.caseNo);
      const s = await db.satisfactionSurvey.findUnique({ where: { caseId: c.id }, omit: { tokenHash: true } });
      if (!s) throw notFound(`The survey of ${params.caseNo} (it is sent when the case closes)`);
      return s;
    },
  );

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/complaints/:caseNo/satisfaction/follow-up',
      summary: 'The QA manager records what is done about a dissatisfied customer (stops its clock)',
      tags: ['satisfaction'],
      params: caseNoParam,
      body: requestSchemas.followUp,
      roles: ['qa_manager'],
      responses: { 200: { description: 'The case state' }, 403: err, 404: err, 409: err, 422: err },
    },
    async ({ params, body, req }) => {
      const c = await cases.get(params.caseNo);
      return temporal.workflow.getHandle(c.workflowId).executeUpdate(completeFollowUpUpdate, { args: [{ actor: actorOf(req), actions: body.actions }] });
    },
  );

  return router;
}
