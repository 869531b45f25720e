/**
 * The one send path of every mail activity (reminders, escalations, digests, customer
 * letters): recipients resolved from the case and the people records, and exactly-once
 * delivery with its bookkeeping in mail_message.
 *
 * - Every message has an idempotency key and a row. A retried activity, a restarted worker
 *   or a replayed workflow finds the row `sent` (or `failed` / `skipped`) and does nothing.
 *   The Message-ID is derived from the key, so even in the unavoidable window (SMTP accepted,
 *   the process died before the row was updated) a second copy carries the same Message-ID.
 * - A transient failure (server down, timeout, 4xx) throws a retryable ApplicationFailure:
 *   Temporal retries the activity with backoff.
 * - Give-up: once the first attempt (the row's created_at) is older than `giveUpAfterMs`
 *   (MAIL_GIVE_UP_AFTER, default 24 h), a failing message is escalated to the QA manager(s)
 *   (their own keyed message), marked `failed`, a `mail_give_up` case event is recorded, and
 *   the call returns normally so the workflow carries on.
 * - A permanent failure (5xx) marks the message `failed` and returns; each 5xx RCPT TO
 *   rejection is recorded in mail_bounce against the person who has that address.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../../prisma/client';
import { resolveMailLocale } from '../../templates/mail/format';
import { renderUndeliverable } from '../../templates/mail/undeliverable';
import type { ClockOwner, RecipientRole } from '../../workflows/types';
import { recordEventRow } from '../store';
import {
  isPermanentMailError,
  isPermanentRejection,
  messageIdFromKey,
  recipientRejections,
  type MailRejection,
  type MailTransport,
  type OutgoingMail,
} from './transport';

export const DEFAULT_MAIL_GIVE_UP_AFTER_MS = 24 * 3600_000;

export interface MailDeps {
  db: Db;
  transport: MailTransport;
  /** Base URL of the web app, for links in messages. */
  publicUrl: string;
  timeZone: string;
  /** Domain part of generated Message-IDs and calendar UIDs. */
  mailDomain: string;
  fromAddress: string;
  /** Give up on a message whose first attempt is older than this (default 24 h). */
  mailGiveUpAfterMs?: number;
}

export interface Recipient {
  id: string;
  name: string;
  email: string;
  locale: string;
}

export interface SendMeta {
  caseId: string | null;
  /** reminder | escalation | digest | customer_reply | satisfaction_request | mail_give_up */
  kind: string;
  to: string[];
  subject: string;
}

/** sent: delivered now; duplicate: settled before (sent, failed or skipped); failed: permanent error; gave_up: give-up age passed. */
export type SendOutcome = 'sent' | 'duplicate' | 'failed' | 'gave_up';

const GIVE_UP_KIND = 'mail_give_up';

function errorText(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}

export function createMailDelivery(deps: MailDeps) {
  const { db } = deps;
  const giveUpAfterMs = deps.mailGiveUpAfterMs ?? DEFAULT_MAIL_GIVE_UP_AFTER_MS;

  const holders = (role: string, departmentId?: string) =>
    db.person.findMany({ where: { role, active: true, ...(departmentId ? { departmentId } : {}) }, orderBy: { id: 'asc' } });

  /**
   * Resolve roles to people. "owner" is whoever owns the clock's step: the case's own sales
   * rep for sales steps, the owners of the responsible department for department work, or
   * the holders of the step's role (QA engineers, the QA manager …).
   */
  async function resolveRecipients(caseRow: { salesRepId: string }, roles: RecipientRole[], owner: ClockOwner): Promise<Recipient[]> {
    const byId = new Map<string, Recipient>();
    for (const role of roles) {
      const people =
        role === 'sales_rep' || (role === 'owner' && owner.role === 'sales')
          ? await db.person.findMany({ where: { id: caseRow.salesRepId } })
          : role === 'owner'
            ? await holders(owner.role, owner.departmentId)
            : role === 'department_owner'
              ? await holders('department_owner', owner.role === 'department_owner' ? owner.departmentId : undefined)
              : await holders(role);
      for (const p of people) byId.set(p.id, p);
    }
    return [...byId.values()];
  }

  /** Record permanent RCPT rejections against the people who have those addresses (once per message and address). */
  async function recordBounces(key: string, rejections: MailRejection[]): Promise<void> {
    const permanent = rejections.filter(isPermanentRejection);
    if (!permanent.length) return;
    const rows = [];
    for (const r of permanent) {
      const person = await db.person.findFirst({ where: { email: { equals: r.address, mode: 'insensitive' } }, select: { id: true } });
      rows.push({ personId: person?.id ?? null, address: r.address, messageKey: key, code: r.code, response: r.response });
    }
    await db.mailBounce.createMany({ data: rows, skipDuplicates: true });
  }

  /** Tell the QA manager(s) that a message could not be delivered; each notice is its own keyed message. */
  async function escalateUndeliverable(
    key: string,
    meta: SendMeta,
    row: { createdAt: Date; attempts: number },
    lastError: string,
  ): Promise<void> {
    const c = meta.caseId ? await db.complaintCase.findUnique({ where: { id: meta.caseId }, select: { caseNo: true } }) : null;
    const link = c ? `${deps.publicUrl}/cases/${encodeURIComponent(c.caseNo)}` : `${deps.publicUrl}/`;
    const now = new Date();
    for (const m of await holders('qa_manager')) {
      const giveUpKey = `giveup:${key}:${m.id}`;
      const rendered = renderUndeliverable({
        locale: resolveMailLocale(m.locale),
        recipientName: m.name,
        caseNo: c?.caseNo ?? null,
        kind: meta.kind,
        subject: meta.subject,
        to: meta.to,
        firstAttemptAt: row.createdAt,
        now,
        attempts: row.attempts,
        lastError,
        timeZone: deps.timeZone,
        link,
      });
      await send(giveUpKey, { caseId: meta.caseId, kind: GIVE_UP_KIND, to: [m.email], subject: rendered.subject }, () => ({
        to: [m.email],
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        messageId: messageIdFromKey(giveUpKey, deps.mailDomain),
        headers: { ...(c ? { 'X-QMS-Case': c.caseNo } : {}), 'X-QMS-Kind': GIVE_UP_KIND },
      }));
    }
  }

  /** Send one keyed message at most once. Throws a retryable failure for transient errors within the give-up age. */
  async function send(key: string, meta: SendMeta, build: () => OutgoingMail): Promise<SendOutcome> {
    const row = await db.mailMessage.upsert({
      where: { idempotencyKey: key },
      create: {
        idempotencyKey: key,
        caseId: meta.caseId,
        kind: meta.kind,
        to: meta.to,
        subject: meta.subject,
        status: 'pending',
        transport: deps.transport.kind,
      },
      update: {},
    });
    if (row.status === 'sent' || row.status === 'failed' || row.status === 'skipped') return 'duplicate';
    const mail = build();
    try {
      const result = await deps.transport.send(mail);
      await db.mailMessage.update({
        where: { idempotencyKey: key },
        data: {
          status: 'sent',
          messageId: result.messageId,
          response: result.response + (result.rejected.length ? ` (rejected: ${result.rejected.join(', ')})` : ''),
          attempts: { increment: 1 },
          sentAt: new Date(),
        },
      });
      const bounced = (result.rejections ?? []).filter(isPermanentRejection);
      await recordBounces(key, bounced);
      if (bounced.length && meta.caseId) {
        // Sent to the others, but some addresses (perhaps the main one) were refused: show it on the case.
        await recordEventRow(db, {
          caseId: meta.caseId,
          key: `mail-bounced:${key}`,
          kind: 'mail_bounced',
          actorId: 'system',
          data: { key, mailKind: meta.kind, rejected: bounced.map((b) => ({ address: b.address, code: b.code, response: b.response })) },
        });
      }
      return 'sent';
    } catch (err) {
      const message = errorText(err);
      if (isPermanentMailError(err)) {
        // A bad address is recorded against the message and the person, not retried forever.
        await db.mailMessage.update({
          where: { idempotencyKey: key },
          data: { status: 'failed', lastError: message, attempts: { increment: 1 } },
        });
        await recordBounces(key, recipientRejections(err));
        if (meta.caseId) {
          await recordEventRow(db, {
            caseId: meta.caseId,
            key: `mail-failed:${key}`,
            kind: 'mail_failed',
            actorId: 'system',
            data: { key, mailKind: meta.kind, to: meta.to, error: message },
          });
        }
        return 'failed';
      }
      const updated = await db.mailMessage.update({
        where: { idempotencyKey: key },
        data: { status: 'retrying', lastError: message, attempts: { increment: 1 } },
      });
      const age = Date.now() - row.createdAt.getTime();
      if (age < giveUpAfterMs) {
        throw ApplicationFailure.retryable(`Mail ${key} not delivered (attempt ${updated.attempts}): ${message}`, 'MailDeliveryFailed');
      }
      // Escalate first: if the escalation itself fails transiently this throws, the message stays
      // `retrying`, and the next attempt gives up again (the escalation keys make that safe).
      // An escalation that fails is never escalated again; it simply gives up in its turn.
      if (meta.kind !== GIVE_UP_KIND) await escalateUndeliverable(key, meta, updated, message);
      await db.mailMessage.update({
        where: { idempotencyKey: key },
        data: { status: 'failed', lastError: `gave up after ${Math.round(age / 60_000)} min and ${updated.attempts} attempt(s): ${message}` },
      });
      if (meta.caseId) {
        await recordEventRow(db, {
          caseId: meta.caseId,
          key: `mail-give-up:${key}`,
          kind: 'mail_give_up',
          actorId: 'system',
          data: { key, mailKind: meta.kind, to: meta.to, subject: meta.subject, attempts: updated.attempts, firstAttemptAt: row.createdAt.toISOString(), error: message },
        });
      }
      return 'gave_up';
    }
  }

  /** Record a message that will not be sent (e.g. the customer left no address), so the case shows why. */
  async function recordSkipped(key: string, meta: SendMeta, reason: string): Promise<void> {
    await db.mailMessage.upsert({
      where: { idempotencyKey: key },
      create: {
        idempotencyKey: key,
        caseId: meta.caseId,
        kind: meta.kind,
        to: meta.to,
        subject: meta.subject,
        status: 'skipped',
        transport: deps.transport.kind,
        lastError: reason,
      },
      update: {},
    });
    if (meta.caseId) {
      await recordEventRow(db, {
        caseId: meta.caseId,
        key: `mail-skipped:${key}`,
        kind: 'mail_skipped',
        actorId: 'system',
        data: { key, mailKind: meta.kind, reason },
      });
    }
  }

  return {
    resolveRecipients,
    send,
    /** {@link send} as a boolean: true when the message went out now. */
    async sendOnce(key: string, meta: SendMeta, build: () => OutgoingMail): Promise<boolean> {
      return (await send(key, meta, build)) === 'sent';
    },
    recordSkipped,
  };
}

export type MailDelivery = ReturnType<typeof createMailDelivery>;
