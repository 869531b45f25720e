/** /api/complaints/:caseNo/attachments — photos and customer documents of a case (api/services/attachments.ts). */
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../../prisma/client';
import { csrfValid } from '../csrf';
import { HttpError, notFound } from '../errors';
import type { RouteRegistry } from '../registry';
import { CASE_WORKER_ROLES } from '../roles';
import { caseNoParam, errorResponse } from '../schemas';
import { addAttachments, attachmentListSelect, attachmentView, checkFile, DEFAULT_ATTACHMENT_LIMITS, parseMultipart, type AttachmentLimits } from '../services/attachments';
import { contentDisposition } from '../content-disposition';

/** A note on an upload is kept up to this many characters. */
const NOTE_MAX = 1000;

/** Roles that attach files to a case (those who work on cases; not the auditor). */
export const ATTACHMENT_ROLES = CASE_WORKER_ROLES;

/** Send a stored file: always as a download (never rendered by the browser), with its SHA-256. */
export function sendAttachment(res: Response, a: { fileName: string; mimeType: string; sha256: string; bytes: Uint8Array }): void {
  res
    .status(200)
    .type(a.mimeType)
    .set('Content-Disposition', contentDisposition('attachment', a.fileName))
    .set('X-Content-SHA256', a.sha256)
    .set('X-Content-Type-Options', 'nosniff')
    .set('Content-Security-Policy', "default-src 'none'; sandbox")
    .set('Cache-Control', 'private, max-age=31536000, immutable')
    .send(Buffer.from(a.bytes));
}

export function attachmentRoutes(registry: RouteRegistry, deps: { db: Db; limits?: AttachmentLimits }): Router {
  const router = Router();
  const { db } = deps;
  const limits = deps.limits ?? DEFAULT_ATTACHMENT_LIMITS;
  const err = { description: 'Error', schema: errorResponse };
  const idParams = caseNoParam.extend({ id: z.string() });

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/complaints/:caseNo/attachments',
      summary: 'Attach photos or customer documents (multipart/form-data, field "files", optional "note")',
      description:
        `Each file at most ${limits.maxBytes} bytes, at most ${limits.maxFiles} at a time; the type is read from the content ` +
        '(images, PDF, Office documents, text/CSV, e-mail, MP4, ZIP). All files are stored or none, each with its SHA-256 and a case event. ' +
        'With the session cookie instead of a bearer token, send the X-CSRF-Token header (or the _csrf field).',
      tags: ['attachments'],
      params: caseNoParam,
      multipart: {
        type: 'object',
        required: ['files'],
        properties: {
          files: {
            type: 'array',
            items: { type: 'string', contentMediaType: 'application/octet-stream' },
            minItems: 1,
            maxItems: limits.maxFiles,
            description: `One part per file (its file name is kept), each at most ${limits.maxBytes} bytes`,
          },
          note: { type: 'string', maxLength: NOTE_MAX, description: 'What the files show (stored with each of them)' },
          _csrf: { type: 'string', description: 'The CSRF token, when signed in with the session cookie (or the X-CSRF-Token header)' },
        },
      },
      roles: ATTACHMENT_ROLES,
      responses: { 201: { description: 'Stored' }, 403: err, 404: err, 409: err, 413: err, 415: err, 422: err },
    },
    async ({ params, req, res }) => {
      const c = await db.complaintCase.findUnique({ where: { caseNo: params.caseNo }, select: { id: true } });
      if (!c) throw notFound(`Case ${params.caseNo}`);
      const upload = await parseMultipart(req, limits);
      if (!req.headers.authorization && !csrfValid(req, { fields: upload.fields })) throw new HttpError(403, 'csrf', 'Missing or wrong CSRF token');
      const checked = upload.files.map((f) => checkFile(f, limits));
      const note = typeof upload.fields.note === 'string' && upload.fields.note.trim() ? upload.fields.note.trim().slice(0, NOTE_MAX) : null;
      const stored = await addAttachments(db, params.caseNo, checked, req.auth!.personId, note);
      const rows = await db.caseAttachment.findMany({ where: { id: { in: stored.map((s) => s.id) } }, select: attachmentListSelect, orderBy: { createdAt: 'asc' } });
      res.status(201);
      return rows.map((a) => attachmentView(a, params.caseNo));
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/complaints/:caseNo/attachments',
      summary: 'The attachments of a case (without the bytes)',
      tags: ['attachments'],
      params: caseNoParam,
      responses: { 200: { description: 'Attachments, oldest first' }, 404: err },
    },
    async ({ params }) => {
      const c = await db.complaintCase.findUnique({ where: { caseNo: params.caseNo }, select: { id: true } });
      if (!c) throw notFound(`Case ${params.caseNo}`);
      const rows = await db.caseAttachment.findMany({ where: { caseId: c.id }, select: attachmentListSelect, orderBy: { createdAt: 'asc' } });
      return rows.map((a) => attachmentView(a, params.caseNo));
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/complaints/:caseNo/attachments/:id',
      summary: 'Download one attachment (as stored; X-Content-SHA256 carries its hash)',
      tags: ['attachments'],
      params: idParams,
      responses: { 200: { description: 'The file', contentType: 'application/octet-stream' }, 404: err },
    },
    async ({ params, res }) => {
      if (!/^[0-9a-f-]{36}$/i.test(params.id)) throw notFound(`Attachment ${params.id}`);
      const a = await db.caseAttachment.findFirst({ where: { id: params.id, case: { caseNo: params.caseNo } } });
      if (!a) throw notFound(`Attachment ${params.id} of ${params.caseNo}`);
      sendAttachment(res, a);
    },
  );

  return router;
}
