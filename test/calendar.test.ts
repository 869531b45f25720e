/** Deadline arithmetic: `npx jest -c jest.unit.config.js test/calendar.test.ts`. */
import { DateTime } from 'luxon';
import {
  addTime,
  defaultCalendar,
  durationString,
  formatDuration,
  isWorkingDay,
  isWorkingInstant,
  nextWorkingInstant,
  parseDuration,
  subtractTime,
  workingCalendarSchema,
  workingMsBetween,
  type WorkingCalendar,
} from '../activities/calendar';

const SH = 'Asia/Shanghai';
const BERLIN = 'Europe/Berlin';
const HOUR = 3_600_000;

/** A local wall time 'YYYY-MM-DD HH:mm' in `zone` as a Date. */
function at(local: string, zone = SH): Date {
  const dt = DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone });
  if (!dt.isValid) throw new Error(`bad test time ${local}`);
  return dt.toJSDate();
}

/** A Date as 'YYYY-MM-DD HH:mm Ddd' in `zone`. */
function show(d: Date, zone = SH): string {
  return DateTime.fromJSDate(d, { zone }).setLocale('en').toFormat('yyyy-MM-dd HH:mm ccc');
}

const nationalDay: WorkingCalendar = {
  ...defaultCalendar,
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  makeUpWorkdays: ['2026-10-10'],
};
const berlin: WorkingCalendar = { ...defaultCalendar, timeZone: BERLIN };
const berlinAllDay: WorkingCalendar = {
  timeZone: BERLIN,
  workingHours: [{ start: '00:00', end: '24:00' }],
  workingWeekdays: [1, 2, 3, 4, 5, 6, 7],
  holidays: [],
  makeUpWorkdays: [],
};

/** Deterministic PRNG (mulberry32) so the property loops are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `x` ms written with sub-day units only, e.g. "37h 5m 3s 120ms". */
function subDayString(x: number): string {
  const parts = [
    [Math.floor(x / HOUR), 'h'],
    [Math.floor(x / 60_000) % 60, 'm'],
    [Math.floor(x / 1000) % 60, 's'],
    [x % 1000, 'ms'],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join(' ');
}

describe('parseDuration', () => {
  it.each([
    ['12h', { ms: 12 * HOUR, days: 0, hours: 12, minutes: 0, seconds: 0, millis: 0 }],
    ['3d', { ms: 72 * HOUR, days: 3, hours: 0, minutes: 0, seconds: 0, millis: 0 }],
    ['1d12h', { ms: 36 * HOUR, days: 1, hours: 12, minutes: 0, seconds: 0, millis: 0 }],
    ['30m', { ms: 1_800_000, days: 0, hours: 0, minutes: 30, seconds: 0, millis: 0 }],
    ['45s', { ms: 45_000, days: 0, hours: 0, minutes: 0, seconds: 45, millis: 0 }],
    ['500ms', { ms: 500, days: 0, hours: 0, minutes: 0, seconds: 0, millis: 500 }],
    ['2d 4h', { ms: 52 * HOUR, days: 2, hours: 4, minutes: 0, seconds: 0, millis: 0 }],
    [' 1D 2H 3M 4S 5MS ', { ms: 93_784_005, days: 1, hours: 2, minutes: 3, seconds: 4, millis: 5 }],
    ['36h', { ms: 36 * HOUR, days: 0, hours: 36, minutes: 0, seconds: 0, millis: 0 }],
    ['1h 0m', { ms: HOUR, days: 0, hours: 1, minutes: 0, seconds: 0, millis: 0 }],
  ])('parses %j', (input, expected) => {
    expect(parseDuration(input)).toEqual(expected);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['-3d', 'negative'],
    ['3w', 'unknown unit "w"'],
    ['3 days', 'unknown unit "days"'],
    ['0h', 'greater than zero'],
    ['0d 0h', 'greater than zero'],
    ['12', 'missing unit'],
    ['h', 'unexpected'],
    ['1.5h', 'fractions'],
    ['1h 2h', 'more than once'],
    ['2d+4h', 'unexpected "+4h"'],
    ['99999999999999999d', 'too large'],
  ])('rejects %j with a message naming the input', (input, why) => {
    expect(() => parseDuration(input)).toThrow(`Invalid duration "${input}"`);
    expect(() => parseDuration(input)).toThrow(why);
  });

  it('validates configuration strings with the zod schema', () => {
    expect(durationString.safeParse('1d12h').success).toBe(true);
    const bad = durationString.safeParse('3 weeks');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].message).toContain('Invalid duration "3 weeks"');
    expect(durationString.safeParse(12).success).toBe(false);
  });
});

describe('formatDuration', () => {
  it('humanises in Chinese and English', () => {
    expect(formatDuration(27 * HOUR, 'zh-CN')).toBe('1 天 3 小时');
    expect(formatDuration(27 * HOUR, 'en')).toBe('1 d 3 h');
    expect(formatDuration(45 * 60_000, 'zh-CN')).toBe('45 分钟');
    expect(formatDuration(45 * 60_000, 'en')).toBe('45 min');
    expect(formatDuration(parseDuration('2d 4h 5m 6s 7ms').ms, 'en')).toBe('2 d 4 h 5 min 6 s 7 ms');
    expect(formatDuration(500, 'zh-CN')).toBe('500 毫秒');
    expect(formatDuration(0, 'zh-CN')).toBe('0 秒');
    expect(formatDuration(0, 'en')).toBe('0 s');
    expect(formatDuration(-90 * 60_000, 'en')).toBe('-1 h 30 min');
  });

  it('truncates to the largest units on request', () => {
    const ms = parseDuration('1d3h25m10s').ms;
    expect(formatDuration(ms, 'en', { maxUnits: 2 })).toBe('1 d 3 h');
    expect(formatDuration(parseDuration('1d5m').ms, 'zh-CN', { maxUnits: 2 })).toBe('1 天');
    expect(() => formatDuration(Number.NaN, 'en')).toThrow('finite');
  });
});

describe('calendar mode', () => {
  it('is plain elapsed time, ignoring weekends', () => {
    const fri = at('2026-11-13 16:00');
    expect(show(addTime(fri, '3d', 'calendar', defaultCalendar))).toBe('2026-11-16 16:00 Mon');
    expect(show(addTime(fri, '12h', 'calendar', defaultCalendar))).toBe('2026-11-14 04:00 Sat');
    expect(addTime(fri, '3d', 'calendar', defaultCalendar).getTime() - fri.getTime()).toBe(72 * HOUR);
    expect(show(subtractTime(at('2026-11-16 10:00'), '24h', 'calendar', defaultCalendar))).toBe('2026-11-15 10:00 Sun');
  });
});

describe('working mode, sub-day units', () => {
  it('crosses a weekend: Fri 16:00 + 4h = Mon 11:00', () => {
    expect(show(addTime(at('2026-11-13 16:00'), '4h', 'working', defaultCalendar))).toBe('2026-11-16 11:00 Mon');
  });

  it('skips the lunch break', () => {
    expect(show(addTime(at('2026-11-13 16:00'), '6h', 'working', defaultCalendar))).toBe('2026-11-16 14:00 Mon');
    expect(show(addTime(at('2026-11-16 11:00'), '2h', 'working', defaultCalendar))).toBe('2026-11-16 14:00 Mon');
    expect(show(addTime(at('2026-11-16 11:30'), '45m', 'working', defaultCalendar))).toBe('2026-11-16 13:15 Mon');
  });

  it('first contact within 12 working hours', () => {
    // Fri 15–17 (2 h) + Mon 8 h + Tue 08–10 (2 h)
    expect(show(addTime(at('2026-11-13 15:00'), '12h', 'working', defaultCalendar))).toBe('2026-11-17 10:00 Tue');
  });

  it('starts counting at the next working instant when started outside working hours', () => {
    expect(show(addTime(at('2026-11-16 07:00'), '2h', 'working', defaultCalendar))).toBe('2026-11-16 10:00 Mon');
    expect(show(addTime(at('2026-11-16 12:30'), '1h', 'working', defaultCalendar))).toBe('2026-11-16 14:00 Mon');
    expect(show(addTime(at('2026-11-16 18:00'), '1h', 'working', defaultCalendar))).toBe('2026-11-17 09:00 Tue');
    expect(show(addTime(at('2026-11-14 10:00'), '1h', 'working', defaultCalendar))).toBe('2026-11-16 09:00 Mon');
    expect(show(nextWorkingInstant(at('2026-11-16 17:00'), defaultCalendar))).toBe('2026-11-17 08:00 Tue');
  });

  it('returns the earliest instant, so a due time can be the close of a period', () => {
    expect(show(addTime(at('2026-11-16 13:00'), '4h', 'working', defaultCalendar))).toBe('2026-11-16 17:00 Mon');
    expect(show(addTime(at('2026-11-16 08:00'), '4h', 'working', defaultCalendar))).toBe('2026-11-16 12:00 Mon');
    expect(show(addTime(at('2026-11-16 08:00'), '8h', 'working', defaultCalendar))).toBe('2026-11-16 17:00 Mon');
  });
});

describe('working mode, days', () => {
  it('3d from a Thursday lands on Tuesday at the same time of day', () => {
    expect(show(addTime(at('2026-11-12 10:00'), '3d', 'working', defaultCalendar))).toBe('2026-11-17 10:00 Tue');
    expect(show(addTime(at('2026-11-12 15:30'), '3d', 'working', defaultCalendar))).toBe('2026-11-17 15:30 Tue');
  });

  it('never lands outside working hours when the start is at the end of the day', () => {
    const close = at('2026-11-16 17:00');
    const due = addTime(close, '1d', 'working', defaultCalendar);
    expect(show(due)).toBe('2026-11-18 08:00 Wed');
    expect(isWorkingInstant(due, defaultCalendar)).toBe(true);
    expect(workingMsBetween(close, due, defaultCalendar)).toBe(8 * HOUR);
    expect(show(addTime(close, '1d4h', 'working', defaultCalendar))).toBe('2026-11-18 12:00 Wed');
    expect(show(addTime(at('2026-11-16 20:00'), '1d', 'working', defaultCalendar))).toBe('2026-11-18 08:00 Wed');
  });

  it('starts from the next working instant (lunch break, weekend)', () => {
    expect(show(addTime(at('2026-11-16 12:30'), '1d', 'working', defaultCalendar))).toBe('2026-11-17 13:00 Tue');
    expect(show(addTime(at('2026-11-14 09:30'), '2d', 'working', defaultCalendar))).toBe('2026-11-18 08:00 Wed');
  });

  it('applies days, then hours', () => {
    expect(show(addTime(at('2026-11-13 16:00'), '1d2h', 'working', defaultCalendar))).toBe('2026-11-17 09:00 Tue');
  });
});

describe('company calendar: public holidays and make-up working days', () => {
  it('classifies days', () => {
    expect(isWorkingDay('2026-09-30', nationalDay)).toBe(true);
    expect(isWorkingDay('2026-10-01', nationalDay)).toBe(false); // Thursday, holiday wins
    expect(isWorkingDay('2026-10-10', nationalDay)).toBe(true); // Saturday, make-up wins
    expect(isWorkingDay('2026-10-11', nationalDay)).toBe(false); // Sunday
    expect(isWorkingDay('2026-10-10', defaultCalendar)).toBe(false);
    expect(() => isWorkingDay('2026-13-01', nationalDay)).toThrow('2026-13-01');
  });

  it('skips the National Day week', () => {
    // Wed 30 Sep 15–17 (2 h), 1–7 Oct off, Thu 8 Oct 08–12 + 13–15 (6 h)
    expect(show(addTime(at('2026-09-30 15:00'), '8h', 'working', nationalDay))).toBe('2026-10-08 15:00 Thu');
    expect(show(addTime(at('2026-09-29 10:00'), '3d', 'working', nationalDay))).toBe('2026-10-09 10:00 Fri');
  });

  it('starts after the holiday when started on a holiday', () => {
    expect(show(addTime(at('2026-10-03 10:00'), '1h', 'working', nationalDay))).toBe('2026-10-08 09:00 Thu');
    expect(show(addTime(at('2026-10-01 09:00'), '1d', 'working', nationalDay))).toBe('2026-10-09 08:00 Fri');
    expect(isWorkingInstant(at('2026-10-02 10:00'), nationalDay)).toBe(false);
  });

  it('works on the make-up Saturday', () => {
    expect(show(addTime(at('2026-10-09 16:00'), '4h', 'working', nationalDay))).toBe('2026-10-10 11:00 Sat');
    expect(show(addTime(at('2026-10-09 16:00'), '4h', 'working', { ...nationalDay, makeUpWorkdays: [] }))).toBe(
      '2026-10-12 11:00 Mon',
    );
    expect(show(addTime(at('2026-09-29 10:00'), '4d', 'working', nationalDay))).toBe('2026-10-10 10:00 Sat');
    expect(show(addTime(at('2026-09-29 10:00'), '5d', 'working', nationalDay))).toBe('2026-10-12 10:00 Mon');
    expect(isWorkingInstant(at('2026-10-10 10:00'), nationalDay)).toBe(true);
    // 30 Sep, 8, 9 and 10 Oct are the working days in between
    expect(workingMsBetween(at('2026-09-30 08:00'), at('2026-10-10 17:00'), nationalDay)).toBe(32 * HOUR);
  });
});

describe('isWorkingInstant', () => {
  it('uses [start, end) periods', () => {
    const mon = (hm: string) => isWorkingInstant(at(`2026-11-16 ${hm}`), defaultCalendar);
    expect(mon('07:59')).toBe(false);
    expect(mon('08:00')).toBe(true);
    expect(isWorkingInstant(new Date(at('2026-11-16 12:00').getTime() - 1), defaultCalendar)).toBe(true);
    expect(mon('12:00')).toBe(false);
    expect(mon('12:30')).toBe(false);
    expect(mon('13:00')).toBe(true);
    expect(mon('17:00')).toBe(false);
    expect(isWorkingInstant(at('2026-11-14 10:00'), defaultCalendar)).toBe(false);
  });
});

describe('subtractTime (reminder lead times)', () => {
  it('goes back across a weekend', () => {
    // Mon 08–10 (2 h) + Fri 15–17 (2 h)
    expect(show(subtractTime(at('2026-11-16 10:00'), '4h', 'working', defaultCalendar))).toBe('2026-11-13 15:00 Fri');
    expect(show(subtractTime(at('2026-11-16 08:00'), '2h', 'working', defaultCalendar))).toBe('2026-11-13 15:00 Fri');
    expect(show(subtractTime(at('2026-11-16 10:00'), '1d', 'working', defaultCalendar))).toBe('2026-11-13 10:00 Fri');
    expect(show(subtractTime(at('2026-11-17 10:00'), '1d4h', 'working', defaultCalendar))).toBe('2026-11-13 15:00 Fri');
  });

  it('returns the latest instant, at a working time', () => {
    expect(show(subtractTime(at('2026-11-16 09:00'), '1h', 'working', defaultCalendar))).toBe('2026-11-16 08:00 Mon');
    expect(show(subtractTime(at('2026-11-16 14:00'), '1h', 'working', defaultCalendar))).toBe('2026-11-16 13:00 Mon');
    expect(show(subtractTime(at('2026-11-17 17:00'), '1d', 'working', defaultCalendar))).toBe('2026-11-17 08:00 Tue');
    expect(show(subtractTime(at('2026-11-14 10:00'), '1d', 'working', defaultCalendar))).toBe('2026-11-13 08:00 Fri');
    expect(show(subtractTime(at('2026-11-14 10:00'), '2h', 'working', defaultCalendar))).toBe('2026-11-13 15:00 Fri');
  });

  it('goes back across the National Day week', () => {
    expect(show(subtractTime(at('2026-10-08 09:00'), '2h', 'working', nationalDay))).toBe('2026-09-30 16:00 Wed');
    expect(show(subtractTime(at('2026-10-12 10:00'), '2d', 'working', nationalDay))).toBe('2026-10-09 10:00 Fri');
  });
});

describe('consistency of addTime, subtractTime and workingMsBetween', () => {
  const from = at('2026-01-01 00:00').getTime();
  const span = at('2028-01-01 00:00').getTime() - from;

  it.each([
    ['Shanghai, National Day', nationalDay],
    ['Berlin (DST)', berlin],
    ['Berlin, round the clock (DST)', berlinAllDay],
  ])('%s: sub-day durations round-trip exactly', (_name, cal) => {
    const random = prng(20261001);
    for (let i = 0; i < 400; i++) {
      const start = new Date(from + Math.floor(random() * span));
      const x = 1 + Math.floor(random() * 60 * HOUR);
      const duration = i % 2 === 0 ? `${x}ms` : subDayString(x);
      expect(parseDuration(duration).ms).toBe(x);

      const due = addTime(start, duration, 'working', cal);
      expect(workingMsBetween(start, due, cal)).toBe(x);
      expect(workingMsBetween(start, new Date(due.getTime() - 1), cal)).toBe(x - 1); // earliest

      const reminder = subtractTime(start, duration, 'working', cal);
      expect(workingMsBetween(reminder, start, cal)).toBe(x);
      expect(workingMsBetween(new Date(reminder.getTime() + 1), start, cal)).toBe(x - 1); // latest
      expect(workingMsBetween(start, reminder, cal)).toBe(-x);
    }
  });

  it('day durations land on working instants, a whole working day apart', () => {
    const random = prng(7);
    for (let i = 0; i < 400; i++) {
      const start = new Date(from + Math.floor(random() * span));
      const n = 1 + Math.floor(random() * 10);
      const due = addTime(start, `${n}d`, 'working', nationalDay);
      expect(isWorkingInstant(due, nationalDay)).toBe(true);
      expect(workingMsBetween(nextWorkingInstant(start, nationalDay), due, nationalDay)).toBe(n * 8 * HOUR);
      const reminder = subtractTime(start, `${n}d`, 'working', nationalDay);
      expect(isWorkingInstant(reminder, nationalDay)).toBe(true);
      expect(workingMsBetween(reminder, start, nationalDay)).toBe(n * 8 * HOUR);
    }
  });
});

describe('daylight saving time (Europe/Berlin)', () => {
  it('calendar mode counts elapsed hours across the change', () => {
    const spring = addTime(at('2026-03-28 12:00', BERLIN), '1d', 'calendar', berlin);
    expect(show(spring, BERLIN)).toBe('2026-03-29 13:00 Sun');
    expect(spring.toISOString()).toBe('2026-03-29T11:00:00.000Z');
    expect(show(addTime(at('2026-10-24 12:00', BERLIN), '24h', 'calendar', berlin), BERLIN)).toBe('2026-10-25 11:00 Sun');
  });

  it('working mode keeps office hours in local time', () => {
    const due = addTime(at('2026-03-27 16:00', BERLIN), '2h', 'working', berlin);
    expect(show(due, BERLIN)).toBe('2026-03-30 09:00 Mon');
    expect(due.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(show(addTime(at('2026-03-27 10:00', BERLIN), '1d', 'working', berlin), BERLIN)).toBe('2026-03-30 10:00 Mon');
    expect(show(subtractTime(at('2026-10-26 09:00', BERLIN), '2h', 'working', berlin), BERLIN)).toBe('2026-10-23 16:00 Fri');
    expect(isWorkingInstant(new Date('2026-03-30T06:30:00Z'), berlin)).toBe(true); // 08:30 CEST
    expect(isWorkingInstant(new Date('2026-03-27T07:30:00Z'), berlin)).toBe(true); // 08:30 CET
    expect(isWorkingInstant(new Date('2026-03-30T05:30:00Z'), berlin)).toBe(false); // 07:30 CEST
  });

  it('working hours span the change in a round-the-clock calendar', () => {
    expect(workingMsBetween(at('2026-03-29 00:00', BERLIN), at('2026-03-30 00:00', BERLIN), berlinAllDay)).toBe(23 * HOUR);
    expect(workingMsBetween(at('2026-10-25 00:00', BERLIN), at('2026-10-26 00:00', BERLIN), berlinAllDay)).toBe(25 * HOUR);
    const start = at('2026-03-28 12:00', BERLIN);
    // 24 working hours are 24 elapsed hours; one working day is the same wall time the next day
    expect(show(addTime(start, '24h', 'working', berlinAllDay), BERLIN)).toBe('2026-03-29 13:00 Sun');
    expect(show(addTime(start, '1d', 'working', berlinAllDay), BERLIN)).toBe('2026-03-29 12:00 Sun');
    // 02:30 does not exist on 29 March: the wall time moves forward
    expect(show(addTime(at('2026-03-28 02:30', BERLIN), '1d', 'working', berlinAllDay), BERLIN)).toBe('2026-03-29 03:30 Sun');
  });
});

describe('guards', () => {
  it('rejects a calendar without working days', () => {
    const none = { ...defaultCalendar, workingWeekdays: [] };
    expect(() => addTime(at('2026-11-16 10:00'), '1h', 'working', none)).toThrow('no working days');
    expect(() => workingMsBetween(at('2026-11-16 10:00'), at('2026-11-17 10:00'), none)).toThrow('no working days');
  });

  it('caps the search at 3 years', () => {
    const onlyOneDay = { ...defaultCalendar, workingWeekdays: [], makeUpWorkdays: ['2026-10-10'] };
    expect(show(addTime(at('2026-10-01 10:00'), '1h', 'working', onlyOneDay))).toBe('2026-10-10 09:00 Sat');
    expect(() => addTime(at('2026-10-11 10:00'), '1h', 'working', onlyOneDay)).toThrow('within 3 years');
    expect(() => subtractTime(at('2026-10-09 10:00'), '1d', 'working', onlyOneDay)).toThrow('within 3 years');
    expect(() => addTime(at('2026-10-11 10:00'), '2000d', 'working', defaultCalendar)).toThrow('within 3 years');
  });

  it('notices in-place edits of a calendar it has already used', () => {
    const cal: WorkingCalendar = { ...defaultCalendar, holidays: [], makeUpWorkdays: [] };
    const fri = at('2026-11-13 16:00');
    expect(show(addTime(fri, '4h', 'working', cal))).toBe('2026-11-16 11:00 Mon');
    cal.holidays.push('2026-11-16');
    expect(show(addTime(fri, '4h', 'working', cal))).toBe('2026-11-17 11:00 Tue');
    cal.makeUpWorkdays.push('2026-11-14');
    expect(show(addTime(fri, '4h', 'working', cal))).toBe('2026-11-14 11:00 Sat');
  });

  it('rejects invalid input clearly', () => {
    expect(() => addTime(at('2026-11-16 10:00'), '1h', 'working', { ...defaultCalendar, timeZone: 'Mars/Olympus' })).toThrow(
      'unknown time zone "Mars/Olympus"',
    );
    expect(() => addTime(at('2026-11-16 10:00'), '1h', 'working', { ...defaultCalendar, holidays: ['1.10.2026'] })).toThrow(
      `holidays entry "1.10.2026" is not a date 'YYYY-MM-DD'`,
    );
    expect(() =>
      isWorkingInstant(at('2026-11-16 10:00'), { ...defaultCalendar, workingHours: [{ start: '17:00', end: '08:00' }] }),
    ).toThrow('ends (08:00) before or when it starts (17:00)');
    expect(() => addTime(new Date(Number.NaN), '1h', 'working', defaultCalendar)).toThrow('not a valid Date');
    expect(() => addTime(at('2026-11-16 10:00'), '1x', 'working', defaultCalendar)).toThrow('Invalid duration "1x"');
    expect(() => addTime(at('2026-11-16 10:00'), '1h', 'business' as never, defaultCalendar)).toThrow('Unknown time mode');
  });
});

describe('workingCalendarSchema', () => {
  it('accepts valid calendars', () => {
    expect(workingCalendarSchema.parse(defaultCalendar)).toEqual(defaultCalendar);
    expect(workingCalendarSchema.safeParse(nationalDay).success).toBe(true);
    expect(workingCalendarSchema.safeParse(berlinAllDay).success).toBe(true);
    expect(
      workingCalendarSchema.safeParse({ ...defaultCalendar, workingHours: [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '17:30' }] })
        .success,
    ).toBe(true);
  });

  it.each<[string, Partial<WorkingCalendar> | Record<string, unknown>, string]>([
    ['unknown zone', { timeZone: 'Mars/Olympus' }, 'timeZone'],
    ['free text as zone', { timeZone: 'not a zone' }, 'timeZone'],
    ['empty zone', { timeZone: '' }, 'timeZone'],
    ['time without leading zero', { workingHours: [{ start: '8:00', end: '12:00' }] }, 'workingHours.0.start'],
    ['hour 25', { workingHours: [{ start: '08:00', end: '25:00' }] }, 'workingHours.0.end'],
    ['end before start', { workingHours: [{ start: '13:00', end: '12:00' }] }, 'workingHours'],
    ['overlapping periods', { workingHours: [{ start: '08:00', end: '12:00' }, { start: '11:00', end: '17:00' }] }, 'workingHours'],
    ['no periods', { workingHours: [] }, 'workingHours'],
    ['weekday 0', { workingWeekdays: [0, 1] }, 'workingWeekdays.0'],
    ['weekday 8', { workingWeekdays: [1, 8] }, 'workingWeekdays.1'],
    ['repeated weekday', { workingWeekdays: [1, 1] }, 'workingWeekdays'],
    ['no weekdays', { workingWeekdays: [] }, 'workingWeekdays'],
    ['impossible date', { holidays: ['2026-02-30'] }, 'holidays.0'],
    ['date format', { makeUpWorkdays: ['10/10/2026'] }, 'makeUpWorkdays.0'],
    ['holiday and make-up day', { holidays: ['2026-10-10'], makeUpWorkdays: ['2026-10-10'] }, 'makeUpWorkdays.0'],
  ])('rejects %s', (_name, patch, path) => {
    const result = workingCalendarSchema.safeParse({ ...defaultCalendar, ...patch });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('performance', () => {
  it('computes 10,000 working-time due dates well under a second', () => {
    const random = prng(42);
    const durations = ['12h', '24h', '48h', '3d', '7d', '1d4h', '30m'];
    const base = at('2026-01-01 00:00').getTime();
    const starts = Array.from({ length: 10_000 }, () => new Date(base + Math.floor(random() * 366 * 24 * HOUR)));
    const t0 = performance.now();
    starts.forEach((start, i) => addTime(start, durations[i % durations.length], 'working', nationalDay));
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeLessThan(1000);
  });
});
