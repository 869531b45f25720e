/**
 * Deadline arithmetic on a company working calendar. Pure and deterministic: the result depends
 * only on the arguments (no clock, no I/O), so it is safe in Temporal activities.
 *
 * Calendar
 * - A working day is a local date (in `timeZone`) whose ISO weekday is in `workingWeekdays` and
 *   which is not in `holidays`, OR a date in `makeUpWorkdays` (调休). Holidays win over the
 *   weekday; make-up days win over the weekend (and over a holiday listing the same date, which
 *   the schema rejects as contradictory anyway).
 * - Working hours are local wall-clock periods 'HH:mm'–'HH:mm' (end may be '24:00'), ascending and
 *   non-overlapping, the same on every working day. An overnight shift is two periods
 *   (e.g. 22:00–24:00 and 00:00–06:00); each belongs to the date it is on.
 * - A working instant is an instant inside [start, end) of a period on a working day: 08:00 is
 *   working, 12:00 and 17:00 are not. Periods are converted to instants with luxon in the company
 *   zone, so on a DST-change day a period has its real length (00:00–24:00 is 23 h or 25 h).
 *
 * Modes
 * - `calendar`: plain elapsed time, `3d` = 72 h, `12h` = 12 h, whatever the zone, weekends,
 *   holidays or DST (across a DST change the local wall time of the result shifts by an hour).
 * - `working`, sub-day parts (h, m, s, ms): only working time counts. If the start is not a
 *   working instant the clock starts at the next working instant. The result is the EARLIEST
 *   instant at which the amount has elapsed, so it may be the end of a period: 13:00 + 4h is
 *   17:00 the same day ("close of business"), not 08:00 the next working day; 08:00 + 4h is 12:00.
 * - `working`, days (d): the start is first moved to the next working instant if it is not one
 *   (so a start at exactly 17:00, in the evening, at lunch, on a weekend or holiday counts from
 *   the next opening); N working days later is the same local time of day on the N-th following
 *   working day. Thursday 10:00 + 3d = Tuesday 10:00; Monday 17:00 + 1d = Wednesday 08:00 (the
 *   whole of Tuesday is the one working day; it is the same working time as Tuesday 17:00). The
 *   result is always a working instant; should that wall time not exist or not be working on the
 *   target day (DST gap), the next working instant is used.
 * - Combined strings (`1d4h`) apply the days first, then the sub-day part from that result.
 *
 * subtractTime (reminder lead times before a due time) mirrors addTime and returns the LATEST
 * instant that lies the given amount before the due time, so reminders fall at a working instant:
 * - `calendar`: due − elapsed time.
 * - `working`, sub-day parts: count working time backwards from the due time (from the last
 *   working moment before it if the due time is outside working hours); a count that completes
 *   exactly at an opening returns that opening (Monday 08:00, not Friday 17:00).
 * - `working`, days: the same local time of day on the N-th preceding working day, measured from
 *   the due time (or from the last close before it, if the due time is outside working hours);
 *   a result at a close or in a break moves on to the next opening (due Tuesday 17:00 − 1d =
 *   Tuesday 08:00). Combined strings apply the days first, then the sub-day part.
 *
 * workingMsBetween(a, b) is the working time in [a, b) (negative when b < a). For sub-day
 * durations X: workingMsBetween(start, addTime(start, X)) === X and
 * workingMsBetween(subtractTime(due, X), due) === X.
 *
 * Safety and cost: a calendar without any working weekday or make-up day is an Error; the search
 * is capped at 3 years (1098 local days) from the start or due time, beyond which an Error is
 * thrown. The arithmetic walks day by day (never minute by minute) over per-date working windows.
 * Memoised (results never depend on it): zone offsets per UTC day/hour, working windows per
 * (zone, hours, date), the compiled calendar per calendar object while its content is unchanged,
 * parsed duration strings.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { parseDuration, type ParsedDuration } from './duration';

export interface WorkingPeriod {
  /** 'HH:mm' local wall-clock time */
  start: string;
  /** 'HH:mm' local wall-clock time after start; '24:00' = midnight at the end of the day */
  end: string;
}

export interface WorkingCalendar {
  timeZone: string;
  workingHours: WorkingPeriod[];
  /** ISO weekdays, 1 = Monday … 7 = Sunday */
  workingWeekdays: number[];
  /** 'YYYY-MM-DD' local dates without work */
  holidays: string[];
  /** 'YYYY-MM-DD' local dates that ARE working days even on a weekend (调休) */
  makeUpWorkdays: string[];
}

export type TimeMode = 'calendar' | 'working';

const MS_PER_DAY = 86_400_000;
const HOUR_MS = 3_600_000;
/** Maximal distance, in local days, searched from the start (or due) time. */
const MAX_SEARCH_DAYS = 3 * 366;

// ---------------------------------------------------------------------------------------------
// Validation helpers shared by the zod schema and the runtime compiler

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes after local midnight for 'HH:mm' (and '24:00' when allowed), else undefined. */
function parseClock(s: string, allowMidnightEnd: boolean): number | undefined {
  if (allowMidnightEnd && s === '24:00') return 1440;
  const m = typeof s === 'string' ? HHMM.exec(s) : null;
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Days since 1970-01-01 of a real calendar date 'YYYY-MM-DD', else undefined. */
function parseLocalDate(s: string): number | undefined {
  const m = typeof s === 'string' ? ISO_DATE.exec(s) : null;
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1])) return undefined;
  return daysFromCivil(year, month, day);
}

const zoneValidity = new Map<string, boolean>();

/** True for a time zone name that both Intl and luxon accept (IANA names such as Asia/Shanghai). */
function isValidTimeZone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      valid = IANAZone.isValidZone(zone);
    } catch {
      valid = false;
    }
    zoneValidity.set(zone, valid);
  }
  return valid;
}

/**
 * Problems with a list of working periods (empty when fine); format problems are left out when
 * `formats` is false (the zod schema reports them per field).
 */
function workingHoursProblems(periods: readonly WorkingPeriod[], formats = true): string[] {
  const problems: string[] = [];
  let previousEnd = -1;
  periods.forEach((p, i) => {
    if (!p || typeof p !== 'object') {
      problems.push(`workingHours[${i}] is not a period { start, end }`);
      return;
    }
    const start = parseClock(p.start, false);
    const end = parseClock(p.end, true);
    if (formats && start === undefined) problems.push(`workingHours[${i}].start "${p.start}" is not a time 'HH:mm' (00:00–23:59)`);
    if (formats && end === undefined) problems.push(`workingHours[${i}].end "${p.end}" is not a time 'HH:mm' (00:01–24:00)`);
    if (start === undefined || end === undefined) return;
    if (end <= start) problems.push(`workingHours[${i}] ends (${p.end}) before or when it starts (${p.start})`);
    else if (start < previousEnd) {
      problems.push(`workingHours[${i}] (${p.start}–${p.end}) overlaps or precedes the period before it; list periods in ascending order`);
    }
    previousEnd = Math.max(previousEnd, end);
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Schema and default

const clockString = z.string().regex(HHMM, { error: "expected a time 'HH:mm' (00:00–23:59)" });
const localDateString = z
  .string()
  .refine((s) => parseLocalDate(s) !== undefined, { error: "expected a real date 'YYYY-MM-DD'" });

const weekdayError = 'expected an ISO weekday 1 = Monday … 7 = Sunday';

export const workingCalendarSchema = z
  .object({
    timeZone: z.string().refine(isValidTimeZone, {
      error: (issue) => `unknown time zone "${String(issue.input)}" (use an IANA name such as "Asia/Shanghai")`,
    }),
    workingHours: z
      .array(
        z.object({
          start: clockString,
          end: z.string().refine((s) => parseClock(s, true) !== undefined, {
            error: "expected a time 'HH:mm' (00:01–24:00)",
          }),
        }),
      )
      .min(1, { error: 'at least one working period is required' })
      .superRefine((periods, ctx) => {
        for (const message of workingHoursProblems(periods, false)) ctx.addIssue({ code: 'custom', message });
      }),
    workingWeekdays: z
      .array(
        z
          .number({ error: weekdayError })
          .int({ error: weekdayError })
          .min(1, { error: weekdayError })
          .max(7, { error: weekdayError }),
      )
      .min(1, { error: 'at least one working weekday (ISO 1 = Monday … 7 = Sunday) is required' })
      .refine((days) => new Set(days).size === days.length, { error: 'working weekdays must not repeat' }),
    holidays: z.array(localDateString),
    makeUpWorkdays: z.array(localDateString),
  })
  .superRefine((cal, ctx) => {
    if (!Array.isArray(cal.holidays) || !Array.isArray(cal.makeUpWorkdays)) return;
    const holidays = new Set(cal.holidays);
    cal.makeUpWorkdays.forEach((d, i) => {
      if (holidays.has(d)) {
        ctx.addIssue({ code: 'custom', path: ['makeUpWorkdays', i], message: `${d} is listed both as a holiday and as a make-up working day` });
      }
    });
  }) satisfies z.ZodType<WorkingCalendar>;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** Asia/Shanghai, Monday–Friday 08:00–12:00 and 13:00–17:00, no holidays (frozen). */
export const defaultCalendar: WorkingCalendar = deepFreeze({
  timeZone: 'Asia/Shanghai',
  workingHours: [
    { start: '08:00', end: '12:00' },
    { start: '13:00', end: '17:00' },
  ],
  workingWeekdays: [1, 2, 3, 4, 5],
  holidays: [],
  makeUpWorkdays: [],
});

// ---------------------------------------------------------------------------------------------
// Compiled calendar

interface Window {
  /** epoch ms, inclusive */
  start: number;
  /** epoch ms, exclusive */
  end: number;
}

interface Compiled {
  zone: string;
  /** minutes after local midnight, ascending, non-overlapping */
  periods: { start: number; end: number }[];
  /** memoised working windows per local day for this zone and these periods */
  windows: Map<number, Window[]>;
  weekdays: boolean[];
  holidays: Set<number>;
  makeUp: Set<number>;
}

const MAX_CACHE_ENTRIES = 50_000;
const windowCaches = new Map<string, Map<number, Window[]>>();

function windowCacheFor(zone: string, periods: { start: number; end: number }[]): Map<number, Window[]> {
  const key = `${zone}|${periods.map((p) => `${p.start}-${p.end}`).join(',')}`;
  let cache = windowCaches.get(key);
  if (!cache) {
    cache = new Map();
    windowCaches.set(key, cache);
  }
  return cache;
}

interface CompiledEntry {
  /** copy of the calendar's content when it was compiled, to notice later in-place edits */
  snapshot: WorkingCalendar;
  compiled: Compiled;
}

const compiledCalendars = new WeakMap<WorkingCalendar, CompiledEntry>();

function sameList<T>(a: readonly T[], b: readonly T[] | undefined): boolean {
  if (!Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameContent(snapshot: WorkingCalendar, cal: WorkingCalendar): boolean {
  return (
    snapshot.timeZone === cal.timeZone &&
    Array.isArray(cal.workingHours) &&
    snapshot.workingHours.length === cal.workingHours.length &&
    snapshot.workingHours.every((p, i) => p.start === cal.workingHours[i]?.start && p.end === cal.workingHours[i]?.end) &&
    sameList(snapshot.workingWeekdays, cal.workingWeekdays) &&
    sameList(snapshot.holidays, cal.holidays) &&
    sameList(snapshot.makeUpWorkdays, cal.makeUpWorkdays)
  );
}

/** The compiled form of a calendar, memoised per calendar object while its content is unchanged. */
function compile(cal: WorkingCalendar): Compiled {
  if (!cal || typeof cal !== 'object') throw new Error('Working calendar is missing');
  const entry = compiledCalendars.get(cal);
  if (entry && sameContent(entry.snapshot, cal)) return entry.compiled;
  const compiled = compileCalendar(cal);
  const snapshot: WorkingCalendar = {
    timeZone: cal.timeZone,
    workingHours: cal.workingHours.map((p) => ({ start: p.start, end: p.end })),
    workingWeekdays: [...cal.workingWeekdays],
    holidays: [...cal.holidays],
    makeUpWorkdays: [...cal.makeUpWorkdays],
  };
  compiledCalendars.set(cal, { snapshot, compiled });
  return compiled;
}

/** Validates the calendar (clear Errors, no zod) and indexes it. */
function compileCalendar(cal: WorkingCalendar): Compiled {
  for (const key of ['workingHours', 'workingWeekdays', 'holidays', 'makeUpWorkdays'] as const) {
    if (!Array.isArray(cal[key])) throw new Error(`Invalid working calendar: ${key} must be an array`);
  }
  const problems: string[] = [];
  if (!isValidTimeZone(cal.timeZone)) problems.push(`unknown time zone "${cal.timeZone}"`);
  if (cal.workingHours.length === 0) problems.push('no working hours');
  else problems.push(...workingHoursProblems(cal.workingHours));
  const weekdays = new Array<boolean>(8).fill(false);
  for (const d of cal.workingWeekdays) {
    if (Number.isInteger(d) && d >= 1 && d <= 7) weekdays[d] = true;
    else problems.push(`working weekday ${d} is not an ISO weekday 1–7`);
  }
  const dates = (list: string[], name: string): Set<number> => {
    const set = new Set<number>();
    for (const s of list) {
      const day = parseLocalDate(s);
      if (day === undefined) problems.push(`${name} entry "${s}" is not a date 'YYYY-MM-DD'`);
      else set.add(day);
    }
    return set;
  };
  const holidays = dates(cal.holidays, 'holidays');
  const makeUp = dates(cal.makeUpWorkdays, 'makeUpWorkdays');
  if (problems.length > 0) throw new Error(`Invalid working calendar: ${problems.join('; ')}`);
  if (!weekdays.some(Boolean) && makeUp.size === 0) {
    throw new Error('Working calendar has no working days at all (workingWeekdays and makeUpWorkdays are both empty)');
  }
  const periods = cal.workingHours.map((p) => ({ start: parseClock(p.start, false)!, end: parseClock(p.end, true)! }));
  return { zone: cal.timeZone, periods, windows: windowCacheFor(cal.timeZone, periods), weekdays, holidays, makeUp };
}

function isoWeekday(day: number): number {
  // 1970-01-01 (day 0) was a Thursday (ISO 4)
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

function isWorkingDayIndex(c: Compiled, day: number): boolean {
  return c.makeUp.has(day) || (c.weekdays[isoWeekday(day)] && !c.holidays.has(day));
}

// ---------------------------------------------------------------------------------------------
// Time zone: luxon's IANA offsets (luxon asks Intl, which is slow), memoised per UTC day and,
// for a day containing a transition, per UTC hour. A span whose first and last millisecond have
// the same offset is taken to have no transition inside (no zone changes its offset twice in a
// day); an hour containing a transition is never memoised.

interface ZoneOffsets {
  zone: IANAZone;
  days: Map<number, number>;
  hours: Map<number, number>;
}

const zoneOffsets = new Map<string, ZoneOffsets>();

/** The constant offset (ms) of the span of `size` ms containing `ms`, or NaN if it changes. */
function spanOffset(z: ZoneOffsets, cache: Map<number, number>, size: number, ms: number): number {
  const span = Math.floor(ms / size);
  let offset = cache.get(span);
  if (offset === undefined) {
    const first = z.zone.offset(span * size);
    offset = first === z.zone.offset(span * size + size - 1) ? first * 60_000 : NaN;
    if (cache.size >= MAX_CACHE_ENTRIES) cache.clear();
    cache.set(span, offset);
  }
  return offset;
}

/** UTC offset of `zone` at the instant `ms`, in milliseconds. */
function offsetMs(zone: string, ms: number): number {
  let z = zoneOffsets.get(zone);
  if (!z) {
    z = { zone: IANAZone.create(zone), days: new Map(), hours: new Map() };
    zoneOffsets.set(zone, z);
  }
  const daily = spanOffset(z, z.days, MS_PER_DAY, ms);
  if (!Number.isNaN(daily)) return daily;
  const hourly = spanOffset(z, z.hours, HOUR_MS, ms);
  return Number.isNaN(hourly) ? z.zone.offset(ms) * 60_000 : hourly;
}

/** Local day number (days since 1970-01-01) and milliseconds after local midnight of an instant. */
function toLocal(zone: string, ms: number): { day: number; msOfDay: number } {
  const local = ms + offsetMs(zone, ms);
  const day = Math.floor(local / MS_PER_DAY);
  return { day, msOfDay: local - day * MS_PER_DAY };
}

function localDay(zone: string, ms: number): number {
  return Math.floor((ms + offsetMs(zone, ms)) / MS_PER_DAY);
}

/**
 * The instant of a local wall time (`msOfDay` may be 24 h = midnight ending the day). Like
 * JavaScript Temporal's "compatible" disambiguation: a repeated wall time (DST end) is its
 * earlier occurrence, a skipped one (DST start) moves forward by the length of the gap.
 */
function fromLocal(zone: string, day: number, msOfDay: number): number {
  const wall = day * MS_PER_DAY + msOfDay;
  const before = offsetMs(zone, wall - MS_PER_DAY);
  const after = offsetMs(zone, wall + MS_PER_DAY);
  let result = NaN;
  for (const offset of before === after ? [before] : [before, after]) {
    const t = wall - offset;
    if (offsetMs(zone, t) === offset && !(t >= result)) result = t;
  }
  return Number.isNaN(result) ? wall - before : result;
}

/** Working windows (as instants) of a local day, ignoring whether the day is a working day. */
function windowsOf(c: Compiled, day: number): Window[] {
  let windows = c.windows.get(day);
  if (!windows) {
    windows = [];
    let previousEnd = -Infinity;
    for (const p of c.periods) {
      const start = Math.max(fromLocal(c.zone, day, p.start * 60_000), previousEnd);
      const end = fromLocal(c.zone, day, p.end * 60_000);
      if (end > start) windows.push({ start, end });
      previousEnd = Math.max(previousEnd, end);
    }
    if (c.windows.size >= MAX_CACHE_ENTRIES) c.windows.clear();
    c.windows.set(day, windows);
  }
  return windows;
}

function dayToIsoDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Throws once a walk has gone further than MAX_SEARCH_DAYS from its origin day. */
function checkSearch(c: Compiled, day: number, originDay: number, what: string): void {
  if (Math.abs(day - originDay) > MAX_SEARCH_DAYS) {
    const origin = dayToIsoDate(originDay);
    throw new Error(
      `No result within 3 years of ${origin} (${c.zone}) while ${what}: the working calendar has too little working time ` +
        '(check workingWeekdays, workingHours, holidays and makeUpWorkdays) or the duration is too long',
    );
  }
}

/** First working instant at or after `ms`. */
function nextWorkingInstantMs(c: Compiled, ms: number, originDay: number): number {
  for (let day = localDay(c.zone, ms); ; day++) {
    checkSearch(c, day, originDay, 'looking for the next working time');
    if (!isWorkingDayIndex(c, day)) continue;
    for (const w of windowsOf(c, day)) if (w.end > ms) return Math.max(w.start, ms);
  }
}

/** `ms` itself if it lies in a closed window [start, end] on a working day, else the last window end before it. */
function previousWorkingEdgeMs(c: Compiled, ms: number, originDay: number): number {
  for (let day = localDay(c.zone, ms); ; day--) {
    checkSearch(c, day, originDay, 'looking for the previous working time');
    if (!isWorkingDayIndex(c, day)) continue;
    const windows = windowsOf(c, day);
    for (let i = windows.length - 1; i >= 0; i--) if (windows[i].start <= ms) return Math.min(windows[i].end, ms);
  }
}

function isWorkingInstantMs(c: Compiled, ms: number): boolean {
  const day = localDay(c.zone, ms);
  return isWorkingDayIndex(c, day) && windowsOf(c, day).some((w) => w.start <= ms && ms < w.end);
}

/** Earliest instant at which `amount` ms of working time have elapsed since `ms`. */
function addWorkingMs(c: Compiled, ms: number, amount: number, originDay: number): number {
  let remaining = amount;
  for (let day = localDay(c.zone, ms); ; day++) {
    checkSearch(c, day, originDay, 'adding working time');
    if (!isWorkingDayIndex(c, day)) continue;
    for (const w of windowsOf(c, day)) {
      if (w.end <= ms) continue;
      const from = Math.max(w.start, ms);
      const available = w.end - from;
      if (remaining <= available) return from + remaining;
      remaining -= available;
    }
  }
}

/** Latest instant from which `amount` ms of working time elapse until `ms`. */
function subtractWorkingMs(c: Compiled, ms: number, amount: number, originDay: number): number {
  let remaining = amount;
  for (let day = localDay(c.zone, ms); ; day--) {
    checkSearch(c, day, originDay, 'subtracting working time');
    if (!isWorkingDayIndex(c, day)) continue;
    const windows = windowsOf(c, day);
    for (let i = windows.length - 1; i >= 0; i--) {
      const w = windows[i];
      if (w.start >= ms) continue;
      const to = Math.min(w.end, ms);
      const available = to - w.start;
      if (remaining <= available) return to - remaining;
      remaining -= available;
    }
  }
}

/** The same local time of day as `ms`, `n` working days later (n > 0) or earlier (n < 0). */
function shiftWorkingDays(c: Compiled, ms: number, n: number, originDay: number): number {
  const local = toLocal(c.zone, ms);
  let day = local.day;
  const step = n > 0 ? 1 : -1;
  for (let left = Math.abs(n); left > 0; ) {
    day += step;
    checkSearch(c, day, originDay, 'counting working days');
    if (isWorkingDayIndex(c, day)) left--;
  }
  return fromLocal(c.zone, day, local.msOfDay);
}

// ---------------------------------------------------------------------------------------------
// Public API

const parsedDurations = new Map<string, ParsedDuration>();

/** parseDuration, memoised (policies use a handful of duration strings over and over). */
function parsedDuration(duration: string): ParsedDuration {
  let parsed = parsedDurations.get(duration);
  if (!parsed) {
    parsed = parseDuration(duration);
    if (parsedDurations.size >= 1000) parsedDurations.clear();
    parsedDurations.set(duration, parsed);
  }
  return parsed;
}

function instant(t: Date, name: string): number {
  // not `instanceof`: a Date from another realm (vm context, worker) is still a Date
  const ms = Object.prototype.toString.call(t) === '[object Date]' ? t.getTime() : NaN;
  if (Number.isNaN(ms)) throw new Error(`${name} is not a valid Date`);
  return ms;
}

function checkMode(mode: TimeMode): void {
  if (mode !== 'calendar' && mode !== 'working') {
    throw new Error(`Unknown time mode "${String(mode)}" (use "calendar" or "working")`);
  }
}

/** Due time `duration` after `start` (see the header for the exact semantics). */
export function addTime(start: Date, duration: string, mode: TimeMode, cal: WorkingCalendar): Date {
  const startMs = instant(start, 'addTime: start');
  const d = parsedDuration(duration);
  checkMode(mode);
  if (mode === 'calendar') return new Date(startMs + d.ms);

  const c = compile(cal);
  const originDay = localDay(c.zone, startMs);
  let t = startMs;
  if (d.days > 0) {
    const from = nextWorkingInstantMs(c, t, originDay);
    t = shiftWorkingDays(c, from, d.days, originDay);
    if (!isWorkingInstantMs(c, t)) t = nextWorkingInstantMs(c, t, originDay);
  }
  const subDay = d.ms - d.days * MS_PER_DAY;
  if (subDay > 0) t = addWorkingMs(c, t, subDay, originDay);
  return new Date(t);
}

/** The instant `duration` before `due`, e.g. when a reminder with that lead time fires. */
export function subtractTime(due: Date, duration: string, mode: TimeMode, cal: WorkingCalendar): Date {
  const dueMs = instant(due, 'subtractTime: due');
  const d = parsedDuration(duration);
  checkMode(mode);
  if (mode === 'calendar') return new Date(dueMs - d.ms);

  const c = compile(cal);
  const originDay = localDay(c.zone, dueMs);
  let t = dueMs;
  if (d.days > 0) {
    const from = previousWorkingEdgeMs(c, t, originDay);
    t = shiftWorkingDays(c, from, -d.days, originDay);
    if (!isWorkingInstantMs(c, t)) t = nextWorkingInstantMs(c, t, originDay);
  }
  const subDay = d.ms - d.days * MS_PER_DAY;
  if (subDay > 0) t = subtractWorkingMs(c, t, subDay, originDay);
  return new Date(t);
}

/** True when `t` lies inside working hours ([start, end) of a period) on a working day. */
export function isWorkingInstant(t: Date, cal: WorkingCalendar): boolean {
  return isWorkingInstantMs(compile(cal), instant(t, 'isWorkingInstant: t'));
}

/** True when the local date 'YYYY-MM-DD' is a working day of the calendar. */
export function isWorkingDay(localDate: string, cal: WorkingCalendar): boolean {
  const day = parseLocalDate(localDate);
  if (day === undefined) throw new Error(`isWorkingDay: "${localDate}" is not a date 'YYYY-MM-DD'`);
  return isWorkingDayIndex(compile(cal), day);
}

/** `t` itself if it is a working instant, else the next one (where a working-time clock starts). */
export function nextWorkingInstant(t: Date, cal: WorkingCalendar): Date {
  const c = compile(cal);
  const ms = instant(t, 'nextWorkingInstant: t');
  return new Date(nextWorkingInstantMs(c, ms, localDay(c.zone, ms)));
}

/** Working time in milliseconds within [a, b); negative when b is before a. */
export function workingMsBetween(a: Date, b: Date, cal: WorkingCalendar): number {
  const aMs = instant(a, 'workingMsBetween: a');
  const bMs = instant(b, 'workingMsBetween: b');
  if (bMs < aMs) return -workingMsBetween(b, a, cal);
  const c = compile(cal);
  const lastDay = localDay(c.zone, bMs);
  let total = 0;
  for (let day = localDay(c.zone, aMs); day <= lastDay; day++) {
    if (!isWorkingDayIndex(c, day)) continue;
    for (const w of windowsOf(c, day)) {
      const overlap = Math.min(w.end, bMs) - Math.max(w.start, aMs);
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}
