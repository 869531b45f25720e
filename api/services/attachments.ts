/**
 * Attachments: photos and customer documents on a case. Uploads are multipart/form-data
 * (parsed by formidable into memory, never to disk), checked before anything is written:
 *
 * - at most `maxFiles` files of at most `maxBytes` each (413 otherwise);
 * - the type is read from the bytes (magic numbers), not taken from the browser, and must
 *   be one of ALLOWED (415 otherwise): images, PDF, Office documents, text / CSV, e-mail,
 *   MP4, ZIP — nothing a browser would run (no HTML, SVG, scripts);
 * - an empty file is refused (422).
 *
 * Accepted files are stored in PostgreSQL (bytes, SHA-256, size, type, uploader, time) and
 * recorded as case events (`attachment_added`) in the same transaction: all files of an
 * upload or none. Rows are never changed or removed (trigger).
 */
import { sha256 } from '../../activities/hash';
import { Writable } from 'node:stream';
import type { Request } from 'express';
import { appendEventInTx } from '../../activities/audit-chain';
import type { Db, Prisma } from '../../prisma/client';
import { HttpError } from '../errors';

// formidable has no bundled types; the part of its API used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const formidable = require('formidable') as {
  formidable(opts: Record<string, unknown>): { parse(req: Request): Promise<[Record<string, string[] | undefined>, Record<string, FormidableFile[] | undefined>]> };
};
interface FormidableFile {
  originalFilename: string | null;
  mimetype: string | null;
  size: number;
  _chunks?: Buffer[];
}

export interface AttachmentLimits {
  /** Bytes per file (default 10 MiB). */
  maxBytes: number;
  /** Files per upload (default 10). */
  maxFiles: number;
}
export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = { maxBytes: 10 * 1024 * 1024, maxFiles: 10 };

/** Types accepted (by content), with the extensions people know them by. */
export const ALLOWED: Record<string, string> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/gif': 'GIF',
  'image/webp': 'WebP',
  'image/heic': 'HEIC',
  'application/pdf': 'PDF',
  'application/msword': 'Word (.doc)',
  'application/vnd.ms-excel': 'Excel (.xls)',
  'application/vnd.ms-outlook': 'Outlook (.msg)',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word (.docx)',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel (.xlsx)',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint (.pptx)',
  'application/zip': 'ZIP',
  'text/plain': 'text (.txt)',
  'text/csv': 'CSV',
  'message/rfc822': 'e-mail (.eml)',
  'video/mp4': 'MP4',
};
export const ALLOWED_TEXT = 'JPEG, PNG, GIF, WebP, HEIC, PDF, Word, Excel, PowerPoint, Outlook, ZIP, TXT, CSV, EML, MP4';
/** For the file input's `accept` (a hint; the server decides by content). */
export const ACCEPT = 'image/*,.heic,.pdf,.doc,.docx,.xls,.xlsx,.pptx,.msg,.zip,.txt,.csv,.eml,.mp4';

export interface UploadedFile {
  fileName: string;
  /** The type the browser claimed (kept only for the message when refused). */
  claimedType: string | null;
  bytes: Buffer;
}

export interface CheckedFile {
  fileName: string;
  mimeType: string;
  size: number;
  sha256: string;
  bytes: Buffer;
}

const ext = (name: string) => (/\.([a-z0-9]{1,8})$/i.exec(name)?.[1] ?? '').toLowerCase();
const starts = (b: Buffer, sig: number[] | string, at = 0) =>
  typeof sig === 'string' ? b.subarray(at, at + sig.length).toString('latin1') === sig : sig.every((x, i) => b[at + i] === x);

/** The type by content (and, for containers, the extension); null when not one of ALLOWED. */
export function sniffType(bytes: Buffer, fileName: string): string | null {
  const e = ext(fileName);
  if (starts(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts(bytes, 'GIF87a') || starts(bytes, 'GIF89a')) return 'image/gif';
  if (starts(bytes, 'RIFF') && starts(bytes, 'WEBP', 8)) return 'image/webp';
  if (starts(bytes, 'ftyp', 4)) {
    const brand = bytes.subarray(8, 12).toString('latin1');
    if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'].includes(brand)) return 'image/heic';
    if (['isom', 'iso2', 'mp41', 'mp42', 'avc1', 'M4V '].includes(brand)) return 'video/mp4';
    return null;
  }
  if (starts(bytes, '%PDF-')) return 'application/pdf';
  if (starts(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    if (e === 'docx') return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    if (e === 'xlsx') return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    if (e === 'pptx') return 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
    return 'application/zip';
  }
  if (starts(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    if (e === 'doc') return 'application/msword';
    if (e === 'xls') return 'application/vnd.ms-excel';
    if (e === 'msg') return 'application/vnd.ms-outlook';
    return null;
  }
  // Text: valid UTF-8 without NUL bytes, and an extension saying which text.
  const textType = e === 'txt' || e === 'log' ? 'text/plain' : e === 'csv' ? 'text/csv' : e === 'eml' ? 'message/rfc822' : null;
  if (textType && !bytes.includes(0)) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      return textType;
    } catch {
      return null;
    }
  }
  return null;
}

/** A file name safe to store and to offer for download (no path, no control characters). */
export function cleanFileName(name: string | null | undefined): string {
  const base = String(name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '_').trim().slice(0, 200);
  return clean || 'attachment';
}

/** Check one upload; throws 413 / 415 / 422 with the file named. */
export function checkFile(f: UploadedFile, limits: AttachmentLimits = DEFAULT_ATTACHMENT_LIMITS): CheckedFile {
  const fileName = cleanFileName(f.fileName);
  if (f.bytes.length === 0) throw new HttpError(422, 'empty_file', `${fileName}: the file is empty`, [{ field: 'files', reason: `${fileName}: the file is empty` }]);
  if (f.bytes.length > limits.maxBytes) {
    const reason = `${fileName}: ${f.bytes.length} bytes is more than the limit of ${limits.maxBytes} bytes`;
    throw new HttpError(413, 'file_too_large', reason, [{ field: 'files', reason }]);
  }
  const mimeType = sniffType(f.bytes, fileName);
  if (!mimeType || !ALLOWED[mimeType]) {
    const reason = `${fileName}: this type of file is not accepted (${f.claimedType || 'unknown'}); accepted: ${ALLOWED_TEXT}`;
    throw new HttpError(415, 'unsupported_type', reason, [{ field: 'files', reason }]);
  }
  return { fileName, mimeType, size: f.bytes.length, sha256: sha256(f.bytes), bytes: f.bytes };
}

export interface ParsedUpload {
  fields: Record<string, string | string[]>;
  files: UploadedFile[];
}

/**
 * Parse a multipart/form-data request into memory. Files come from the parts named
 * `files` or `file`; an empty part without a file name (a file input left empty) is
 * ignored. Limits answer 413 while the body is still arriving.
 */
export async function parseMultipart(
  req: Request,
  limits: AttachmentLimits = DEFAULT_ATTACHMENT_LIMITS,
  opts: { perFileInStream?: boolean } = {},
): Promise<ParsedUpload> {
  // perFileInStream false (web forms): only the total is capped while reading, so the form's
  // other fields survive a too-large file and checkFile names it next to the field.
  const perFile = opts.perFileInStream ?? true;
  const fileCap = perFile ? limits.maxBytes : limits.maxBytes * limits.maxFiles;
  if (!req.is('multipart/form-data')) throw new HttpError(415, 'multipart_required', 'Send the files as multipart/form-data (field "files")');
  const form = formidable.formidable({
    maxFiles: limits.maxFiles + 1, // one more for an empty file input, counted below
    maxFileSize: fileCap,
    maxTotalFileSize: limits.maxBytes * limits.maxFiles,
    maxFields: 300,
    maxFieldsSize: 2 * 1024 * 1024,
    allowEmptyFiles: true,
    minFileSize: 0,
    filter: (part: { name: string | null; originalFilename?: string | null }) => part.name === 'files' || part.name === 'file',
    fileWriteStreamHandler: (file: FormidableFile) => {
      const chunks: Buffer[] = [];
      file._chunks = chunks;
      let size = 0;
      return new Writable({
        write(chunk: Buffer, _enc, cb) {
          size += chunk.length;
          if (size > fileCap) {
            const e = new HttpError(413, 'file_too_large', `${cleanFileName(file.originalFilename)}: more than the limit of ${limits.maxBytes} bytes`, [
              { field: 'files', reason: `${cleanFileName(file.originalFilename)}: more than the limit of ${limits.maxBytes} bytes` },
            ]);
            return cb(e);
          }
          chunks.push(chunk);
          cb();
        },
      });
    },
  });
  let fields: Record<string, string[] | undefined>;
  let rawFiles: Record<string, FormidableFile[] | undefined>;
  try {
    [fields, rawFiles] = await form.parse(req);
  } catch (err) {
    if (err instanceof HttpError) throw err;
    const e = err as { httpCode?: number; code?: number; message?: string };
    if (e.httpCode === 413 || e.code === 1009 || e.code === 1016) throw new HttpError(413, 'file_too_large', `Files are limited to ${limits.maxBytes} bytes each`, [{ field: 'files', reason: `more than ${limits.maxBytes} bytes` }]);
    if (e.code === 1015) throw new HttpError(413, 'too_many_files', `At most ${limits.maxFiles} files at a time`, [{ field: 'files', reason: `at most ${limits.maxFiles} files` }]);
    throw new HttpError(400, 'invalid_multipart', `The upload could not be read: ${e.message ?? 'malformed multipart body'}`);
  }
  const files = [...(rawFiles.files ?? []), ...(rawFiles.file ?? [])]
    .map((f) => ({ fileName: f.originalFilename ?? '', claimedType: f.mimetype, bytes: Buffer.concat(f._chunks ?? []) }))
    .filter((f) => f.fileName !== '' || f.bytes.length > 0);
  if (files.length > limits.maxFiles) throw new HttpError(413, 'too_many_files', `At most ${limits.maxFiles} files at a time`, [{ field: 'files', reason: `at most ${limits.maxFiles} files` }]);
  const flat: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(fields)) if (v) flat[k] = v.length === 1 ? v[0]! : v;
  return { fields: flat, files };
}

type Tx = Prisma.TransactionClient;

/** Store checked files and their case events inside the caller's transaction. */
export async function storeAttachmentsInTx(tx: Tx, caseId: string, files: CheckedFile[], uploadedBy: string, note?: string | null): Promise<{ id: string; fileName: string; sha256: string }[]> {
  const out: { id: string; fileName: string; sha256: string }[] = [];
  for (const f of files) {
    const row = await tx.caseAttachment.create({
      data: { caseId, fileName: f.fileName, mimeType: f.mimeType, size: f.size, sha256: f.sha256, bytes: new Uint8Array(f.bytes), note: note ?? null, uploadedBy },
      select: { id: true, createdAt: true },
    });
    await appendEventInTx(tx, {
      caseId,
      key: `${caseId}:attachment:${row.id}`,
      kind: 'attachment_added',
      actorId: uploadedBy,
      at: row.createdAt,
      data: { attachmentId: row.id, fileName: f.fileName, mimeType: f.mimeType, size: f.size, sha256: f.sha256, ...(note ? { note } : {}) },
    });
    out.push({ id: row.id, fileName: f.fileName, sha256: f.sha256 });
  }
  return out;
}

/** Add files to an existing case (one transaction). 404 unknown case, 409 closed case. */
export async function addAttachments(db: Db, caseNo: string, files: CheckedFile[], uploadedBy: string, note?: string | null) {
  const c = await db.complaintCase.findUnique({ where: { caseNo }, select: { id: true, status: true } });
  if (!c) throw new HttpError(404, 'not_found', `Case ${caseNo} not found`);
  if (c.status === 'closed') throw new HttpError(409, 'wrong_state', `Case ${caseNo} is closed: its records are final`);
  if (!files.length) throw new HttpError(422, 'validation_failed', 'files: choose at least one file', [{ field: 'files', reason: 'choose at least one file' }]);
  return db.$transaction((tx) => storeAttachmentsInTx(tx, c.id, files, uploadedBy, note), { maxWait: 15_000, timeout: 60_000 });
}

export const attachmentView = (a: { id: string; fileName: string; mimeType: string; size: number; sha256: string; note: string | null; uploadedBy: string; createdAt: Date }, caseNo: string) => ({
  id: a.id,
  fileName: a.fileName,
  mimeType: a.mimeType,
  size: a.size,
  sha256: a.sha256,
  note: a.note,
  uploadedBy: a.uploadedBy,
  createdAt: a.createdAt.toISOString(),
  href: `/api/complaints/${encodeURIComponent(caseNo)}/attachments/${a.id}`,
});

export const attachmentListSelect = { id: true, fileName: true, mimeType: true, size: true, sha256: true, note: true, uploadedBy: true, createdAt: true } as const;
