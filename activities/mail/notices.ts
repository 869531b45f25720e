/**
 * Mail activities: deadline reminders and escalations, exactly once.
 *
 * Every message has an idempotency key (case, clock, kind, level, recipient) and a row in
 * mail_message. A retried activity, a restarted worker or a replayed workflow finds the
 * row already `sent` and does nothing. The Message-ID is derived from the key, so even
 * in the unavoidable window (SMTP accepted, the process died before the row was
 * updated) a second copy carries the same Message-ID and mail clients fold it.
 *
 * Recipients come from the case and the people records, never from request text.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Db } from '../../prisma/client';
import { clockLabel, escalationLevelLabel } from '../../templates/mail/clock-labels';
import { renderEscalation } from '../../templates/mail/escalation';
import { resolveMailLocale } from '../../templates/mail/format';
import { buildDeadlineIcs, deadlineIcsAttachment } from '../../templates/mail/ics';
import { renderReminder } from '../../templates/mail/reminder';
import type { ClockOwner, ClockPlan, RecipientRole } from '../../workflows/types';
import { recordEventRow } from '../store';
import { isPermanentMailError, messageIdFromKey, type MailTransport, type OutgoingMail } from './transport';

export interface MailDeps {
  db: Db;
  transport: MailTransport;
  /** Base URL of the web app, for links in messages. */
  publicUrl: string;
  timeZone: string;
  /** Domain part of generated Message-IDs and calendar UIDs. */
  mailDomain: string;
  fromAddress: string;
}

export interface ClockNoticeInput {
  caseId: string;
  plan: ClockPlan;
  kind: 'reminder' | 'escalation';
  level: number;
  notify: RecipientRole[];
}

export interface Recipient {
  id: string;
  name: string;
  email: string;
  locale: string;
}

export function createMailActivities(deps: MailDeps) {
  const { db } = deps;

  /**
   * Resolve roles to people. "owner" is whoever owns the clock's step: the case's own sales
   * rep for sales steps, the owners of the responsible department for department work, or
   * the holders of the step's role (QA engineers, the QA manager …).
   */
  async function resolveRecipients(caseRow: { salesRepId: string }, roles: RecipientRole[], owner: ClockOwner): Promise<Recipient[]> {
    const byId = new Map<string, Recipient>();
    const holders = (role: string, departmentId?: string) =>
      db.person.findMany({ where: { role, active: true, ...(departmentId ? { departmentId } : {}) }, orderBy: { id: 'asc' } });
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

  /** Send one keyed message, at most once; returns false when it had been sent before. */
  async function sendOnce(
    key: string,
    meta: { caseId: string | null; kind: string; to: string[]; subject: string },
    build: () => OutgoingMail,
  ): Promise<boolean> {
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
    if (row.status === 'sent' || row.status === 'failed') return false;
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
      return true;
    } catch (err) {
      const permanent = isPermanentMailError(err);
      await db.mailMessage.update({
        where: { idempotencyKey: key },
        data: { status: permanent ? 'failed' : 'retrying', lastError: String((err as Error).message ?? err), attempts: { increment: 1 } },
      });
      if (permanent) {
        // A bad address is recorded against the message (and shown on the case), not retried forever.
        return false;
      }
      throw err; // transient: Temporal retries with backoff
    }
  }

  return {
    /** Reminder before, or escalation after, a clock's due time. */
    async sendClockNotice(input: ClockNoticeInput): Promise<{ sent: number; skipped: number }> {
      const c = await db.complaintCase.findUnique({ where: { id: input.caseId }, include: { salesRep: true } });
      if (!c) throw ApplicationFailure.nonRetryable(`Case ${input.caseId} does not exist`, 'CaseNotFound');
      const owner = input.plan.owner ?? { role: 'sales' };
      const recipients = await resolveRecipients(c, input.notify, owner);
      const ownerName =
        owner.role === 'sales' ? c.salesRep.name : (await resolveRecipients(c, ['owner'], owner)).map((p) => p.name).join('、') || owner.role;
      const dueAt = new Date(input.plan.dueAt);
      const link = `${deps.publicUrl}/cases/${encodeURIComponent(c.caseNo)}#${input.plan.id}`;
      // "now" as the workflow saw it when the event fired, so a retried render says the same thing.
      const now = new Date(
        input.kind === 'reminder'
          ? input.plan.reminders[input.level]?.at ?? Date.now()
          : input.plan.escalations.find((e) => e.level === input.level)?.at ?? Date.now(),
      );
      let sent = 0;
      let skipped = 0;
      for (const r of recipients) {
        const locale = resolveMailLocale(r.locale);
        const label = clockLabel(input.plan.id, locale);
        const key =
          input.kind === 'reminder'
            ? `${c.caseNo}:${input.plan.id}:reminder:${input.plan.reminders[input.level]?.lead}@${input.plan.dueAt}:${r.id}`
            : `${c.caseNo}:${input.plan.id}:escalation:${input.level}:${r.id}`;
        const rendered =
          input.kind === 'reminder'
            ? renderReminder({
                locale, recipientName: r.name, caseNo: c.caseNo, customerName: c.customerName, product: c.product,
                clock: input.plan.clock, clockLabel: label, dueAt, now, timeZone: deps.timeZone, link,
              })
            : renderEscalation({
                locale, recipientName: r.name, caseNo: c.caseNo, customerName: c.customerName, product: c.product,
                clockLabel: label, dueAt, now, timeZone: deps.timeZone, ownerName,
                level: input.level, levelLabel: escalationLevelLabel(input.level, locale), link,
              });
        const ok = await sendOnce(key, { caseId: c.id, kind: input.kind, to: [r.email], subject: rendered.subject }, () => ({
          to: [r.email],
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          messageId: messageIdFromKey(key, deps.mailDomain),
          headers: { 'X-QMS-Case': c.caseNo, 'X-QMS-Clock': input.plan.id, 'X-QMS-Kind': `${input.kind}:${input.level}` },
          attachments: [
            deadlineIcsAttachment(
              buildDeadlineIcs({
                uid: `${c.id}-${input.plan.id}@${deps.mailDomain}`,
                caseNo: c.caseNo,
                summary: `${c.caseNo} ${label}`,
                description: `${c.customerName} · ${c.product}\n${link}`,
                dueAt,
                url: link,
                organizerEmail: deps.fromAddress,
                attendeeEmail: r.email,
                stamp: new Date(input.plan.startedAt),
              }),
            ),
          ],
        }));
        if (ok) {
          sent++;
          await recordEventRow(db, {
            caseId: c.id,
            key: `mail:${key}`,
            kind: 'mail_sent',
            actorId: 'system',
            data: { mailKind: input.kind, clock: input.plan.id, level: input.level, to: r.email, recipientId: r.id, attempt: Context.current().info.attempt },
          });
        } else skipped++;
      }
      return { sent, skipped };
    },
  };
}
