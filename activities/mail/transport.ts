/**
 * Outgoing mail: SMTP when a URL is configured, otherwise a local outbox of .eml files that the
 * `/outbox` pages show (development, demos, air-gapped installs).
 *
 * Idempotency: the caller derives `messageId` from its idempotency key ({@link messageIdFromKey}).
 * The outbox stores a message under a file name derived from that id and keeps the first copy,
 * so a retried send never produces a second file. SMTP cannot take a message back; a retry
 * after an ambiguous failure may deliver twice, but with the same Message-ID header, which
 * most mail stores de-duplicate.
 *
 * Errors propagate to the caller (a Temporal activity that retries); {@link isPermanentMailError}
 * says which ones retrying cannot fix.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { SendMailOptions, Transporter } from 'nodemailer';
import { outboxIdForMessageId } from './outbox';

export interface OutgoingMail {
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html: string;
  /** '<key-hash@domain>', deterministic, derived by the caller from an idempotency key. */
  messageId: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; content: Buffer | string; contentType: string }[];
}

export interface SendResult {
  transport: 'smtp' | 'outbox';
  messageId: string;
  response: string;
  accepted: string[];
  rejected: string[];
  /** Per-recipient rejections (RCPT TO replies) of the rejected addresses, when the server gave them. */
  rejections?: MailRejection[];
  /** Outbox file path. */
  location?: string;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'outbox';
  send(mail: OutgoingMail): Promise<SendResult>;
  verify(): Promise<void>;
  close(): void;
}

export interface MailTransportConfig {
  /** smtp://user:pass@host:587 or smtps://user:pass@host:465 (nodemailer URL syntax, query options allowed). */
  smtpUrl?: string;
  outboxDir: string;
  /** From header, e.g. '"质量管理系统 QMS" <qms@example.com>'. */
  from: string;
}

/** SMTP timeouts: connecting, waiting for the greeting, and socket inactivity. */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as const;

/** Headers every automatic notification carries (RFC 3834; Outlook auto-reply suppression). Caller headers win. */
export const DEFAULT_MAIL_HEADERS: Readonly<Record<string, string>> = {
  'Auto-Submitted': 'auto-generated',
  'X-Auto-Response-Suppress': 'All',
};

/** One recipient refused by the server at RCPT TO. */
export interface MailRejection {
  address: string;
  /** SMTP reply code, e.g. 550; 0 when the server gave none. */
  code: number;
  response: string;
}

/**
 * The per-recipient RCPT TO rejections carried by a nodemailer error (every recipient
 * rejected) or a send result (some rejected): address, reply code and reply text.
 */
export function recipientRejections(errOrInfo: unknown): MailRejection[] {
  if (!errOrInfo || typeof errOrInfo !== 'object') return [];
  const list = (errOrInfo as { rejectedErrors?: unknown }).rejectedErrors;
  if (!Array.isArray(list)) return [];
  return list.flatMap((r: unknown) => {
    if (!r || typeof r !== 'object') return [];
    const e = r as { recipient?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
    if (typeof e.recipient !== 'string') return [];
    return [{ address: e.recipient, code: typeof e.responseCode === 'number' ? e.responseCode : 0, response: String(e.response ?? e.message ?? '') }];
  });
}

/** A 5xx RCPT TO reply other than 503: the address itself is bad, retrying cannot help. */
export function isPermanentRejection(r: MailRejection): boolean {
  return r.code >= 500 && r.code < 600 && r.code !== 503;
}

/** A message the transport refuses before trying to send it; never worth retrying. */
export class InvalidMailError extends Error {
  readonly code = 'EINVALIDMAIL';
  readonly permanent = true;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidMailError';
  }
}

/** '<sha256(key)[0..32]@domain>': the same idempotency key always gives the same Message-ID. */
export function messageIdFromKey(idempotencyKey: string, domain: string): string {
  if (!idempotencyKey) throw new InvalidMailError('messageIdFromKey: empty idempotency key');
  if (!/^[A-Za-z0-9.-]+$/.test(domain)) throw new InvalidMailError(`messageIdFromKey: invalid domain ${JSON.stringify(domain)}`);
  const hash = createHash('sha256').update(idempotencyKey, 'utf8').digest('hex').slice(0, 32);
  return `<${hash}@${domain.toLowerCase()}>`;
}

/** Brings 'id@domain' or '<id@domain>' to the bracketed form; rejects anything else. */
export function normaliseMessageId(messageId: string): string {
  const bare = messageId.trim().replace(/^<(.*)>$/, '$1');
  if (!/^[^\s<>@]+@[^\s<>@]+$/.test(bare) || bare.length > 250) {
    throw new InvalidMailError(`invalid Message-ID ${JSON.stringify(messageId)}`);
  }
  return `<${bare}>`;
}

interface NodemailerErrorLike {
  code?: unknown;
  responseCode?: unknown;
  permanent?: unknown;
  rejectedErrors?: unknown;
}

/**
 * True when retrying the same message cannot succeed: a 5xx SMTP reply (except 503, a
 * session-state error), every recipient rejected permanently, an address nodemailer refuses
 * before sending, or an {@link InvalidMailError}. False for connection failures, timeouts,
 * TLS problems, 4xx replies (greylisting, mailbox busy) and anything unknown, which the
 * caller should retry.
 */
export function isPermanentMailError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as NodemailerErrorLike;
  if (typeof e.permanent === 'boolean') return e.permanent;
  if (typeof e.responseCode === 'number') return e.responseCode >= 500 && e.responseCode < 600 && e.responseCode !== 503;
  if (e.code === 'EENVELOPE') {
    // Rejected by the server per recipient, or refused by nodemailer itself (malformed address,
    // no recipients) when there is no server reply at all.
    if (Array.isArray(e.rejectedErrors) && e.rejectedErrors.length > 0) return e.rejectedErrors.every(isPermanentMailError);
    return true;
  }
  return false;
}

export function createMailTransport(cfg: MailTransportConfig): MailTransport {
  if (!cfg.from.trim()) throw new InvalidMailError('mail transport: "from" is required');
  return cfg.smtpUrl ? new SmtpMailTransport(cfg.smtpUrl, cfg.from) : new OutboxMailTransport(cfg.outboxDir, cfg.from);
}

function toMailOptions(mail: OutgoingMail, from: string): SendMailOptions & { messageId: string } {
  const to = mail.to.map((a) => a.trim()).filter(Boolean);
  const cc = (mail.cc ?? []).map((a) => a.trim()).filter(Boolean);
  if (to.length === 0) throw new InvalidMailError('mail has no recipients');
  return {
    from,
    to,
    cc: cc.length ? cc : undefined,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: normaliseMessageId(mail.messageId),
    headers: { ...DEFAULT_MAIL_HEADERS, ...(mail.headers ?? {}) },
    attachments: (mail.attachments ?? []).map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
  };
}

function addressList(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((a) => (typeof a === 'string' ? a : String((a as { address?: unknown }).address ?? a)));
}

class SmtpMailTransport implements MailTransport {
  readonly kind = 'smtp' as const;
  private readonly transporter: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transporter = nodemailer.createTransport({
      url: smtpUrl,
      ...SMTP_TIMEOUTS,
      // Everything we send is built in memory: never let message data read files or URLs.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async send(mail: OutgoingMail): Promise<SendResult> {
    const options = toMailOptions(mail, this.from);
    const info = await this.transporter.sendMail(options);
    return {
      transport: 'smtp',
      messageId: info.messageId || options.messageId,
      response: String(info.response ?? ''),
      accepted: addressList(info.accepted),
      // Some recipients may be rejected while others were accepted; the message went out and
      // the rejected ones are reported here for the caller to record.
      rejected: addressList(info.rejected),
      rejections: recipientRejections(info),
    };
  }

  async verify(): Promise<void> {
    await this.transporter.verify();
  }

  close(): void {
    this.transporter.close();
  }
}

class OutboxMailTransport implements MailTransport {
  readonly kind = 'outbox' as const;
  private readonly dir: string;
  private readonly composer: Transporter;

  constructor(
    outboxDir: string,
    private readonly from: string,
  ) {
    if (!outboxDir.trim()) throw new InvalidMailError('outbox transport: outboxDir is required');
    this.dir = path.resolve(outboxDir);
    this.composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows', disableFileAccess: true, disableUrlAccess: true });
  }

  async send(mail: OutgoingMail): Promise<SendResult> {
    const options = toMailOptions(mail, this.from);
    const id = outboxIdForMessageId(options.messageId);
    const file = path.join(this.dir, `${id}.eml`);
    const recipients = [...addressList(options.to), ...addressList(options.cc)];
    const result = (response: string): SendResult => ({
      transport: 'outbox',
      messageId: options.messageId,
      response,
      accepted: recipients,
      rejected: [],
      location: file,
    });

    await fs.mkdir(this.dir, { recursive: true });
    if (await exists(file)) return result(`250 Already in outbox as ${id}.eml`);

    const info = await this.composer.sendMail(options);
    const raw = info.message;
    if (!Buffer.isBuffer(raw)) throw new Error('outbox transport: stream transport did not return a buffer');

    // Write to a temporary file in the same directory, flush, then rename: readers see either
    // no file or the complete message. Two racing sends of the same id still leave one file.
    const tmp = path.join(this.dir, `.${id}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const handle = await fs.open(tmp, 'wx', 0o644);
      try {
        await handle.writeFile(raw);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, file);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    return result(`250 Stored in outbox as ${id}.eml`);
  }

  async verify(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    await fs.access(this.dir, fsConstants.W_OK);
  }

  close(): void {
    this.composer.close();
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
