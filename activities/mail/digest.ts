/**
 * The daily digest (每日待办): one message per person and day listing every running clock
 * they own that is overdue, due today or due tomorrow (days in TIME_ZONE). Sent through the
 * shared delivery path with the key `digest:<personId>:<date>`, so a second run of the same
 * day (a retried activity, a re-run schedule) sends nothing new.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { DateTime } from 'luxon';
import { clockLabel } from '../../templates/mail/clock-labels';
import { renderDigest, type DigestItem } from '../../templates/mail/digest';
import { resolveMailLocale } from '../../templates/mail/format';
import type { ClockOwner } from '../../workflows/types';
import { createMailDelivery, type MailDeps, type Recipient, type SendOutcome } from './delivery';
import { messageIdFromKey } from './transport';

export interface DailyDigestInput {
  /** The day, YYYY-MM-DD in TIME_ZONE; default: the day of `at` (or of now). */
  date?: string;
  /** ISO time the digest is "as of" (what counts as overdue); default: the start of `date`. The workflow passes its start time. */
  at?: string;
}

export interface DailyDigestResult {
  date: string;
  /** People with at least one item. */
  people: number;
  sent: number;
  /** Sent before (a second run), failed permanently or given up. */
  notSent: number;
}

type Section = 'overdue' | 'today' | 'tomorrow';

export function createDigestActivities(deps: MailDeps) {
  const { db } = deps;
  const delivery = createMailDelivery(deps);

  return {
    async sendDailyDigests(input: DailyDigestInput = {}): Promise<DailyDigestResult> {
      const zone = deps.timeZone;
      const at = input.at ? DateTime.fromISO(input.at, { zone }) : null;
      if (at && !at.isValid) throw ApplicationFailure.nonRetryable(`sendDailyDigests: invalid at ${JSON.stringify(input.at)}`, 'InvalidInput');
      const date = input.date ?? (at ?? DateTime.now().setZone(zone)).toISODate()!;
      const dayStart = /^\d{4}-\d{2}-\d{2}$/.test(date) ? DateTime.fromISO(date, { zone }).startOf('day') : null;
      if (!dayStart?.isValid) throw ApplicationFailure.nonRetryable(`sendDailyDigests: invalid date ${JSON.stringify(date)}`, 'InvalidInput');
      const tomorrow = dayStart.plus({ days: 1 });
      const dayAfter = dayStart.plus({ days: 2 });
      const asOf = (at ?? dayStart).toJSDate();

      const clocks = await db.caseClock.findMany({
        where: { outcome: null, dueAt: { lt: dayAfter.toJSDate() }, case: { status: 'open' } },
        include: { case: true },
        orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
      });

      // Owner of each clock, resolved once per distinct owner.
      const ownerCache = new Map<string, Recipient[]>();
      const perPerson = new Map<string, { person: Recipient; rows: { section: Section; clock: (typeof clocks)[number] }[] }>();
      for (const k of clocks) {
        const owner: ClockOwner = { role: k.ownerRole as ClockOwner['role'], departmentId: k.ownerDeptId ?? undefined };
        const cacheKey = owner.role === 'sales' ? `sales|${k.case.salesRepId}` : `${owner.role}|${owner.departmentId ?? ''}`;
        let people = ownerCache.get(cacheKey);
        if (!people) {
          people = await delivery.resolveRecipients(k.case, ['owner'], owner);
          // Nobody holds the owning role (e.g. a department without an owner): the QA manager sees it instead.
          if (!people.length) people = await delivery.resolveRecipients(k.case, ['qa_manager'], owner);
          ownerCache.set(cacheKey, people);
        }
        const due = k.dueAt.getTime();
        const section: Section = due < asOf.getTime() ? 'overdue' : due < tomorrow.toMillis() ? 'today' : 'tomorrow';
        for (const p of people) {
          const entry = perPerson.get(p.id) ?? { person: p, rows: [] };
          entry.rows.push({ section, clock: k });
          perPerson.set(p.id, entry);
        }
      }

      let sent = 0;
      let notSent = 0;
      let transient: unknown = null;
      const homeLink = `${deps.publicUrl}/`;
      for (const { person, rows } of [...perPerson.values()].sort((a, b) => a.person.id.localeCompare(b.person.id))) {
        const locale = resolveMailLocale(person.locale);
        const items: Record<Section, DigestItem[]> = { overdue: [], today: [], tomorrow: [] };
        for (const { section, clock: k } of rows) {
          items[section].push({
            caseNo: k.case.caseNo,
            customerName: k.case.customerName,
            product: k.case.product,
            clockLabel: clockLabel(k.clock, locale) + (k.round > 1 ? (locale === 'zh-CN' ? `（第 ${k.round} 轮）` : ` (round ${k.round})`) : ''),
            dueAt: k.dueAt,
            link: `${deps.publicUrl}/cases/${encodeURIComponent(k.case.caseNo)}`,
          });
        }
        const rendered = renderDigest({ locale, recipientName: person.name, date, timeZone: zone, asOf, ...items, homeLink });
        const key = `digest:${person.id}:${date}`;
        let outcome: SendOutcome;
        try {
          outcome = await delivery.send(key, { caseId: null, kind: 'digest', to: [person.email], subject: rendered.subject }, () => ({
            to: [person.email],
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
            messageId: messageIdFromKey(key, deps.mailDomain),
            headers: { 'X-QMS-Kind': 'digest', 'X-QMS-Digest-Date': date },
          }));
        } catch (err) {
          // Keep going for everybody else; the retry re-sends only what is still unsent.
          transient ??= err;
          continue;
        }
        if (outcome === 'sent') sent++;
        else notSent++;
      }
      if (transient) throw transient;
      return { date, people: perPerson.size, sent, notSent };
    },
  };
}
