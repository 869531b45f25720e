/**
 * Mail activities: deadline reminders and escalations, exactly once.
 *
 * Every message has an idempotency key (case, clock, kind, level, recipient); delivery,
 * bookkeeping, give-up and bounces are in delivery.ts, shared by every mail activity.
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
import type { ClockPlan, RecipientRole } from '../../workflows/types';
import { recordEventRow } from '../store';
import { createMailDelivery, type MailDeps } from './delivery';
import { messageIdFromKey } from './transport';

export type { MailDeps, Recipient } from './delivery';

export interface ClockNoticeInput {
  caseId: string;
  plan: ClockPlan;
  kind: 'reminder' | 'escalation';
  level: number;
  notify: RecipientRole[];
}

export function createMailActivities(deps: MailDeps) {
  const { db } = deps;

  const { resolveRecipients, sendOnce } = createMailDelivery(deps);

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
