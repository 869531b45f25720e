/**
 * Calendar entry for a deadline, attached to reminder mails as `deadline.ics`.
 *
 * Shape: a VCALENDAR with METHOD:PUBLISH and one VEVENT that is a 15-minute slot
 * **ending at the deadline** (DTSTART = dueAt − 15 min, DTEND = dueAt), both in UTC, so
 * no VTIMEZONE is needed and every client shows it in its own zone. Ending at dueAt puts the
 * block on the calendar before the deadline, where the work still has to happen, and the
 * end edge is the deadline itself. It is marked TRANSPARENT (does not block free/busy).
 * One VALARM (DISPLAY) fires `alarmMinutesBefore` minutes before the deadline (default 60),
 * expressed relative to DTSTART, which every client supports.
 *
 * Keep `uid` stable per case + clock (e.g. `<caseId>-<clock>@<domain>`) and raise `sequence`
 * when the deadline moves, so a calendar replaces the entry instead of adding a second one.
 */
import ical, { ICalAlarmRelatesTo, ICalAlarmType, ICalCalendarMethod, ICalEventStatus, ICalEventTransparency } from 'ical-generator';

export const DEADLINE_EVENT_MINUTES = 15;
export const DEADLINE_ICS_FILENAME = 'deadline.ics';
export const DEADLINE_ICS_CONTENT_TYPE = 'text/calendar; charset=utf-8; method=PUBLISH';

export interface DeadlineIcsInput {
  uid: string;
  caseNo: string;
  summary: string;
  description: string;
  dueAt: Date;
  url?: string;
  organizerEmail: string;
  /** Display name of the organizer; defaults to the address. */
  organizerName?: string;
  attendeeEmail?: string;
  sequence?: number;
  /** Minutes before the deadline the alarm fires (default 60; 0 = at the deadline). */
  alarmMinutesBefore?: number;
  /** DTSTAMP; defaults to now. Pass a fixed value for byte-identical output on retries. */
  stamp?: Date;
}

export function buildDeadlineIcs(input: DeadlineIcsInput): string {
  const dueMs = input.dueAt.getTime();
  if (Number.isNaN(dueMs)) throw new RangeError('buildDeadlineIcs: invalid dueAt');
  if (!input.uid.trim()) throw new RangeError('buildDeadlineIcs: uid is required');
  const sequence = input.sequence ?? 0;
  if (!Number.isInteger(sequence) || sequence < 0) throw new RangeError(`buildDeadlineIcs: invalid sequence ${sequence}`);
  const alarmMinutes = input.alarmMinutesBefore ?? 60;
  if (!Number.isFinite(alarmMinutes) || alarmMinutes < 0) throw new RangeError(`buildDeadlineIcs: invalid alarmMinutesBefore ${alarmMinutes}`);

  const start = new Date(dueMs - DEADLINE_EVENT_MINUTES * 60_000);
  const calendar = ical({
    prodId: { company: 'qms-complaints', product: 'complaint-deadlines', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
  });
  const event = calendar.createEvent({
    id: input.uid,
    sequence,
    stamp: input.stamp ?? new Date(),
    start,
    end: input.dueAt,
    summary: input.summary,
    description: input.description,
    url: input.url ?? null,
    status: ICalEventStatus.CONFIRMED,
    transparency: ICalEventTransparency.TRANSPARENT,
    organizer: { name: input.organizerName ?? input.organizerEmail, email: input.organizerEmail },
    x: { 'X-QMS-CASE-NO': input.caseNo },
  });
  if (input.attendeeEmail) event.createAttendee({ email: input.attendeeEmail });
  // ical-generator's numeric trigger is "seconds before DTSTART". An alarm inside the 15-minute
  // slot fires after DTSTART; RELATED=START must then be set explicitly (ical-generator would
  // otherwise write RELATED=END for a positive offset).
  const secondsBeforeStart = Math.round((alarmMinutes - DEADLINE_EVENT_MINUTES) * 60);
  if (secondsBeforeStart >= 0) {
    event.createAlarm({ type: ICalAlarmType.display, trigger: secondsBeforeStart, description: input.summary });
  } else {
    event
      .createAlarm({ type: ICalAlarmType.display, triggerAfter: -secondsBeforeStart, description: input.summary })
      .relatesTo(ICalAlarmRelatesTo.start);
  }
  return calendar.toString();
}

/** The attachment the caller adds to a reminder mail. */
export function deadlineIcsAttachment(ics: string): { filename: string; content: string; contentType: string } {
  return { filename: DEADLINE_ICS_FILENAME, content: ics, contentType: DEADLINE_ICS_CONTENT_TYPE };
}
