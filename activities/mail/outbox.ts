/**
 * The mail outbox: one RFC 5322 `.eml` file per message, named after its Message-ID
 * (see transport.ts, which writes them). This module names and reads them back for the
 * `/outbox` pages and for tests.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { AddressObject, ParsedMail } from 'mailparser';

export interface OutboxEntry {
  id: string;
  /** Absolute path of the .eml file. */
  file: string;
  subject: string;
  to: string[];
  /** Date header, or the file's modification time when the header is missing. */
  date: Date;
  size: number;
}

export interface OutboxAttachmentInfo {
  filename: string;
  contentType: string;
  size: number;
}

export interface OutboxMessage {
  id: string;
  messageId: string;
  subject: string;
  from: string;
  to: string[];
  cc: string[];
  date: Date;
  text: string;
  /** HTML part, or null for a text-only message. */
  html: string | null;
  attachments: OutboxAttachmentInfo[];
  raw: Buffer;
}

export interface OutboxAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export class InvalidOutboxIdError extends Error {
  constructor(id: string) {
    super(`invalid outbox message id ${JSON.stringify(id)}`);
    this.name = 'InvalidOutboxIdError';
  }
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+=~-]{0,199}$/;
const RAW_SAFE = /^[A-Za-z0-9][A-Za-z0-9._@+=-]*$/;
const MAX_RAW_LENGTH = 150;

/** An outbox id is a plain file-name stem: no separators, no leading dot, bounded length. */
export function isValidOutboxId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id);
}

/**
 * The outbox id (file-name stem) of a Message-ID. Deterministic, so the same Message-ID always
 * maps to the same file. A Message-ID that is already file-name safe is used as is; otherwise
 * unsafe characters become '_' and '~' plus a hash of the original is appended. '~' never
 * appears in an unmodified id, so two different Message-IDs cannot share a file.
 */
export function outboxIdForMessageId(messageId: string): string {
  const bare = messageId.trim().replace(/^<(.*)>$/, '$1');
  if (!bare) throw new InvalidOutboxIdError(messageId);
  if (RAW_SAFE.test(bare) && bare.length <= MAX_RAW_LENGTH) return bare;
  const hash = createHash('sha256').update(bare, 'utf8').digest('hex').slice(0, 16);
  const safe = bare.replace(/[^A-Za-z0-9._@+=-]/g, '_').replace(/^[^A-Za-z0-9]+/, '').slice(0, MAX_RAW_LENGTH);
  return `${safe || 'm'}~${hash}`;
}

/** The .eml path of an id inside dir; throws for an id that is not a plain file-name stem. */
export function outboxFilePath(dir: string, id: string): string {
  if (!isValidOutboxId(id)) throw new InvalidOutboxIdError(String(id));
  const root = path.resolve(dir);
  const file = path.resolve(root, `${id}.eml`);
  if (path.dirname(file) !== root) throw new InvalidOutboxIdError(id);
  return file;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  if (!field) return [];
  const list = Array.isArray(field) ? field : [field];
  return list.flatMap((group) =>
    group.value.flatMap((a) => {
      if (a.group?.length) return a.group.map((m) => (m.name ? `${m.name} <${m.address ?? ''}>` : (m.address ?? '')));
      return [a.name ? `${a.name} <${a.address ?? ''}>` : (a.address ?? '')];
    }),
  );
}

/** The header block of a raw message (up to and including the blank line). */
function headerBlock(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  if (crlf >= 0) return raw.subarray(0, crlf + 4);
  const lf = raw.indexOf('\n\n');
  return lf >= 0 ? raw.subarray(0, lf + 2) : raw;
}

interface CacheSlot {
  mtimeMs: number;
  size: number;
  entry: OutboxEntry;
}

/** Parsed headers per absolute file path, valid while mtime and size are unchanged. */
const listCache = new Map<string, CacheSlot>();

/** All messages in the outbox, newest first. A missing directory is an empty outbox. */
export async function listOutbox(dir: string): Promise<OutboxEntry[]> {
  const root = path.resolve(dir);
  let names: string[];
  try {
    names = await fs.readdir(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const seen = new Set<string>();
  const entries: OutboxEntry[] = [];
  for (const name of names) {
    if (!name.endsWith('.eml')) continue;
    const id = name.slice(0, -'.eml'.length);
    if (!isValidOutboxId(id)) continue; // temp files start with '.', foreign files are ignored
    const file = path.join(root, name);
    let stat;
    try {
      stat = await fs.stat(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // removed meanwhile
      throw err;
    }
    if (!stat.isFile()) continue;
    seen.add(file);
    const cached = listCache.get(file);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) {
      entries.push({ ...cached.entry, to: [...cached.entry.to] });
      continue;
    }
    const raw = await fs.readFile(file);
    const parsed = await simpleParser(headerBlock(raw), { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true });
    const entry: OutboxEntry = {
      id,
      file,
      subject: parsed.subject ?? '',
      to: [...addresses(parsed.to), ...addresses(parsed.cc)],
      date: parsed.date ?? stat.mtime,
      size: stat.size,
    };
    listCache.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, entry });
    entries.push({ ...entry, to: [...entry.to] });
  }
  for (const key of listCache.keys()) {
    if (path.dirname(key) === root && !seen.has(key)) listCache.delete(key);
  }
  return entries.sort((a, b) => b.date.getTime() - a.date.getTime() || b.id.localeCompare(a.id));
}

async function readRaw(dir: string, id: string): Promise<Buffer | null> {
  const file = outboxFilePath(dir, id);
  try {
    return await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return null;
    throw err;
  }
}

function attachmentName(a: ParsedMail['attachments'][number], index: number): string {
  return a.filename || `attachment-${index + 1}`;
}

/**
 * One message with its parts, or null when there is no such message.
 * Throws {@link InvalidOutboxIdError} for an id that could reach outside the outbox.
 */
export async function readOutboxMessage(dir: string, id: string): Promise<OutboxMessage | null> {
  const raw = await readRaw(dir, id);
  if (!raw) return null;
  const parsed = await simpleParser(raw, { skipTextLinks: true });
  const stat = await fs.stat(outboxFilePath(dir, id)).catch(() => null);
  return {
    id,
    messageId: parsed.messageId ?? '',
    subject: parsed.subject ?? '',
    from: parsed.from?.text ?? '',
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    date: parsed.date ?? stat?.mtime ?? new Date(0),
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : null,
    attachments: parsed.attachments.map((a, i) => ({ filename: attachmentName(a, i), contentType: a.contentType, size: a.size ?? a.content.length })),
    raw,
  };
}

/** The index-th attachment (0-based, in the order {@link readOutboxMessage} lists them), or null. */
export async function readOutboxAttachment(dir: string, id: string, index: number): Promise<OutboxAttachment | null> {
  if (!Number.isInteger(index) || index < 0) return null;
  const raw = await readRaw(dir, id);
  if (!raw) return null;
  const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true });
  const a = parsed.attachments[index];
  if (!a) return null;
  return { filename: attachmentName(a, index), contentType: a.contentType, content: a.content };
}
