/**
 * Locale-aware formatting shared by the mail templates: the recipient's locale, dates in the
 * recipient's time zone, and humanised durations ("3 小时 20 分钟" / "3 h 20 min").
 */
import { DateTime } from 'luxon';

export type MailLocale = 'zh-CN' | 'en';

export const MAIL_LOCALES: readonly MailLocale[] = ['zh-CN', 'en'];

/** Maps a stored preference or an Accept-Language tag onto a template locale: any Chinese tag → zh-CN, anything else → en. */
export function resolveMailLocale(tag: string | null | undefined): MailLocale {
  return tag && /^zh\b/i.test(tag.trim()) ? 'zh-CN' : 'en';
}

const MINUTE_MS = 60_000;
const MINUTES_PER_DAY = 24 * 60;

const UNITS: Record<MailLocale, { day: string; hour: string; minute: string; lessThanMinute: string }> = {
  'zh-CN': { day: '天', hour: '小时', minute: '分钟', lessThanMinute: '不到 1 分钟' },
  en: { day: 'd', hour: 'h', minute: 'min', lessThanMinute: 'less than 1 min' },
};

/**
 * A duration as at most its two largest units ("2 天 3 小时", "3 h 20 min", "45 min").
 * The sign is ignored and the value is rounded down to whole minutes, so a "time left"
 * never overstates what is left.
 */
export function humaniseDuration(ms: number, locale: MailLocale): string {
  if (!Number.isFinite(ms)) throw new RangeError(`humaniseDuration: not a finite duration: ${ms}`);
  const u = UNITS[locale];
  const totalMinutes = Math.floor(Math.abs(ms) / MINUTE_MS);
  if (totalMinutes < 1) return u.lessThanMinute;
  const days = Math.floor(totalMinutes / MINUTES_PER_DAY);
  const hours = Math.floor((totalMinutes % MINUTES_PER_DAY) / 60);
  const minutes = totalMinutes % 60;
  const parts: string[] = [];
  if (days > 0) {
    parts.push(`${days} ${u.day}`);
    if (hours > 0) parts.push(`${hours} ${u.hour}`);
  } else if (hours > 0) {
    parts.push(`${hours} ${u.hour}`);
    if (minutes > 0) parts.push(`${minutes} ${u.minute}`);
  } else {
    parts.push(`${minutes} ${u.minute}`);
  }
  return parts.join(' ');
}

function zoned(date: Date, timeZone: string, locale: MailLocale): DateTime {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new RangeError('formatDeadline: invalid date');
  const dt = DateTime.fromJSDate(date, { zone: timeZone }).setLocale(locale);
  if (!dt.isValid) throw new RangeError(`formatDeadline: unknown time zone "${timeZone}"`);
  return dt;
}

/**
 * A deadline as the recipient reads it, in their time zone with the zone and offset spelled out:
 * "2026年11月23日（周一）14:30（Asia/Shanghai，UTC+8）" / "Mon 23 Nov 2026, 14:30 (Asia/Shanghai, UTC+8)".
 */
export function formatDeadline(date: Date, timeZone: string, locale: MailLocale): string {
  const dt = zoned(date, timeZone, locale);
  const offset = dt.toFormat("'UTC'Z");
  if (locale === 'zh-CN') return `${dt.toFormat('yyyy年M月d日（ccc）HH:mm')}（${dt.zoneName}，${offset}）`;
  return `${dt.toFormat('ccc d LLL yyyy, HH:mm')} (${dt.zoneName}, ${offset})`;
}

/** Collapses whitespace and strips control characters: for subjects and other one-line header text. */
export function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
}
