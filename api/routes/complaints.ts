/** /api/complaints — intake, reads, the human steps (as workflow updates), documents and mails of a case. */
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { createDocumentActivities } from '../../activities/documents';
import type { Db } from '../../prisma/client';
import { caseStateQuery } from '../../workflows/messages';
import { HttpError, notFound } from '../errors';
import { INTAKE_ROLES } from '../roles';
import type { RouteRegistry } from '../registry';
import { caseNoParam, caseView, createComplaintBody, documentParams, errorResponse } from '../schemas';
import type { CaseService } from '../services/cases';
import { ServerTiming } from '../timing';
import { contentDisposition } from '../content-disposition';

export interface ComplaintRouteDeps {
  db: Db;
  temporal: Client;
  cases: CaseService;
  timeZone: string;
  company: { name: string; nameEn: string };
}

const idempotencyKey = z.string().min(8).max(200).optional();

export function complaintRoutes(registry: RouteRegistry, deps: ComplaintRouteDeps): Router {
  const router = Router();
  const { db, temporal, cases } = deps;
  const documents = createDocumentActivities({ db, timeZone: deps.timeZone, company: deps.company });
  const err = { description: 'Error', schema: errorResponse };

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/complaints',
      summary: 'Record a customer complaint and start its case',
      description:
        'Creates the case (number CC-YYYY-NNNN, gap-free per year), starts its workflow and the 12-hour first-contact clock. ' +
        'Send an Idempotency-Key header to make retries safe: the same key returns the same case (200).',
      tags: ['complaints'],
      body: createComplaintBody,
      roles: INTAKE_ROLES,
      responses: { 201: { description: 'Case created', schema: caseView }, 200: { description: 'Same Idempotency-Key: the existing case', schema: caseView }, 403: err, 422: err },
    },
    async ({ body, req, res }) => {
      const key = idempotencyKey.safeParse(req.get('Idempotency-Key') ?? undefined);
      if (!key.success) throw new HttpError(400, 'invalid_request', 'Idempotency-Key: must be 8–200 characters', [{ field: 'Idempotency-Key', reason: 'must be 8–200 characters' }]);
      const timing = new ServerTiming(res.locals);
      const out = await cases.create(body, key.data, { timing });
      res.setHeader('Server-Timing', timing.header());
      res.status(out.created ? 201 : 200).location(`/api/complaints/${out.case.caseNo}`).json(out.case);
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/complaints',
      summary: 'List cases, newest first',
      tags: ['complaints'],
      query: z.object({ status: z.enum(['open', 'closed']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      responses: { 200: { description: 'Cases', schema: z.array(caseView) } },
    },
    ({ query }) => cases.list(query),
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/complaints/:caseNo',
      summary: 'A case with its current step and deadlines',
      tags: ['complaints'],
      params: caseNoParam,
      responses: { 200: { description: 'The case', schema: caseView }, 404: err },
    },
    async ({ params }) => cases.view(await cases.open(params.caseNo)),
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/complaints/:caseNo/state',
      summary: "The workflow's live state (query): step, open clocks, decisions",
      tags: ['complaints'],
      params: caseNoParam,
      responses: { 200: { description: 'Workflow state' }, 404: err },
    },
    async ({ params }) => {
      const c = await cases.get(params.caseNo);
      return temporal.workflow.getHandle(c.workflowId).query(caseStateQuery);
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/complaints/:caseNo/documents',
      summary: 'Filed documents of a case (every version)',
      tags: ['documents'],
      params: caseNoParam,
      responses: { 200: { description: 'Documents' }, 404: err },
    },
    async ({ params }) => {
      const c = await cases.get(params.caseNo);
      const docs = await db.caseDocument.findMany({
        where: { caseId: c.id },
        select: { kind: true, version: true, fileName: true, sha256: true, dataHash: true, size: true, trigger: true, language: true, createdAt: true },
        orderBy: [{ kind: 'asc' }, { version: 'asc' }],
      });
      return docs.map((d) => ({ ...d, url: `/api/complaints/${c.caseNo}/documents/${d.kind}/${d.version}` }));
    },
  );

  const sendDoc = (res: import('express').Response, d: { fileName: string; mimeType: string; sha256: string; bytes: Uint8Array }) => {
    res
      .status(200)
      .type(d.mimeType)
      .set('Content-Disposition', contentDisposition('inline', d.fileName))
      .set('X-Content-SHA256', d.sha256)
      .set('Cache-Control', 'private, max-age=31536000, immutable')
      .send(Buffer.from(d.bytes));
  };

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/complaints/:caseNo/documents/:kind/:version',
      summary: 'Download one filed version of a document',
      tags: ['documents'],
      params: documentParams,
      responses: { 200: { description: 'The PDF', contentType: 'application/pdf' }, 404: err },
    },
    async ({ params, res }) => {
      const c = await cases.get(params.caseNo);
      const d = await db.caseDocument.findUnique({ where: { caseId_kind_version: { caseId: c.id, kind: params.kind, version: params.version } } });
      if (!d) throw notFound(`${params.kind} v${params.version} of ${params.caseNo}`);
      sendDoc(res, d);
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/complaints/:caseNo/report.pdf',
      summary: 'The latest Market Quality Abnormality Report (市场品质异常处理报告) of a case',
      tags: ['documents'],
      params: caseNoParam,
      query: z.object({ lang: z.enum(['zh', 'en', 'bilingual']).optional().describe('Another language: a version in it is filed and returned') }),
      responses: { 200: { description: 'The PDF', contentType: 'application/pdf' }, 404: err },
    },
    async ({ params, query, res }) => {
      const c = await cases.get(params.caseNo);
      if (query.lang) {
        // On request in English or both languages: filed like any version (same case state → same version).
        const events = await db.caseEvent.count({ where: { caseId: c.id, kind: { not: 'document_issued' } } });
        const issued = await documents.issueDocument({ caseId: c.id, kind: 'market_quality_report', trigger: `on-request@${events}`, language: query.lang });
        return sendDoc(res, await db.caseDocument.findUniqueOrThrow({ where: { id: issued.id } }));
      }
      const d = await db.caseDocument.findFirst({ where: { caseId: c.id, kind: 'market_quality_report' }, orderBy: { version: 'desc' } });
      if (!d) {
        res.set('Retry-After', '1');
        throw new HttpError(404, 'not_yet_issued', `The report of ${c.caseNo} has not been issued yet; it is filed right after intake`);
      }
      sendDoc(res, d);
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/complaints/:caseNo/mails',
      summary: 'E-mails sent for a case (recipient, subject, key, time, SMTP response)',
      tags: ['mail'],
      params: caseNoParam,
      responses: { 200: { description: 'Mails' }, 404: err },
    },
    async ({ params }) => {
      const c = await cases.get(params.caseNo);
      return db.mailMessage.findMany({ where: { caseId: c.id }, orderBy: { createdAt: 'asc' } });
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/complaints/:caseNo/events',
      summary: 'What happened to a case, in order',
      tags: ['complaints'],
      params: caseNoParam,
      responses: { 200: { description: 'Events' }, 404: err },
    },
    async ({ params }) => {
      const c = await cases.get(params.caseNo);
      return db.caseEvent.findMany({ where: { caseId: c.id }, orderBy: { at: 'asc' }, select: { at: true, kind: true, actor: true, data: true } });
    },
  );

  return router;
}
