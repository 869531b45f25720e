/**
 * Duration strings for deadline policies: "12h", "3d", "1d12h", "30m", "45s", "500ms", "2d 4h".
 *
 * Grammar: one or more `<whole number><unit>` parts, units d | h | m | s | ms, case-insensitive,
 * optional whitespace around and between parts, each unit at most once, any order. Fractions
 * ("1.5h": write "1h30m"), negative values, unknown units and a total of zero are rejected with
 * an Error that names the offending input.
 *
 * The parsed components are kept as written ("36h" is 36 hours, not 1 day 12 hours) because in
 * working-time mode days and hours mean different things (see working-time.ts); `ms` is the
 * plain elapsed length with a day counted as 24 hours, which is what calendar mode uses.
 */
import { z } from 'zod';

export interface ParsedDuration {
  /** total elapsed milliseconds, a day counted as 24 h */
  ms: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
  millis: number;
}

export type DurationLocale = 'zh-CN' | 'en';

type Unit = 'd' | 'h' | 'm' | 's' | 'ms';

const UNIT_MS: Record<Unit, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
const UNIT_FIELD = { d: 'days', h: 'hours', m: 'minutes', s: 'seconds', ms: 'millis' } as const;
const UNITS_LARGEST_FIRST: readonly Unit[] = ['d', 'h', 'm', 's', 'ms'];
const EXAMPLES = 'e.g. "12h", "3d", "1d12h", "30m", "45s", "500ms"';

function isUnit(u: string): u is Unit {
  return Object.prototype.hasOwnProperty.call(UNIT_MS, u);
}

/** Parses a duration string; throws an Error naming the input when it is not valid. */
export function parseDuration(s: string): ParsedDuration {
  if (typeof s !== 'string') {
    throw new Error(`Invalid duration ${String(s)}: expected a string, ${EXAMPLES}`);
  }
  const fail = (why: string): Error => new Error(`Invalid duration "${s}": ${why} (${EXAMPLES})`);
  const text = s.trim().toLowerCase();
  if (text === '') throw fail('it is empty');
  if (text.startsWith('-')) throw fail('negative durations are not allowed');
  if (/\d[.,]\d/.test(text)) throw fail('fractions are not supported, combine units instead, such as "1h30m"');

  const result: ParsedDuration = { ms: 0, days: 0, hours: 0, minutes: 0, seconds: 0, millis: 0 };
  const seen = new Set<Unit>();
  const part = /(\d+)\s*([a-z]*)\s*/y;
  let pos = 0;
  while (pos < text.length) {
    part.lastIndex = pos;
    const m = part.exec(text);
    if (!m) throw fail(`unexpected "${text.slice(pos)}"`);
    const [, digits, unit] = m;
    if (unit === '') throw fail(`missing unit after "${digits}" (allowed: d, h, m, s, ms)`);
    if (!isUnit(unit)) throw fail(`unknown unit "${unit}" (allowed: d, h, m, s, ms)`);
    if (seen.has(unit)) throw fail(`unit "${unit}" appears more than once`);
    seen.add(unit);
    const value = Number(digits);
    result[UNIT_FIELD[unit]] = value;
    result.ms += value * UNIT_MS[unit];
    pos = part.lastIndex;
  }
  if (!Number.isSafeInteger(result.ms)) throw fail('it is too large');
  if (result.ms === 0) throw fail('it must be greater than zero');
  return result;
}

/** Error message for an invalid duration string, or undefined when it is valid. */
export function durationError(s: string): string | undefined {
  try {
    parseDuration(s);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Zod schema for duration strings in configuration (deadline policies, reminder lead times). */
export const durationString = z.string().refine((s) => durationError(s) === undefined, {
  error: (issue) => durationError(String(issue.input)) ?? 'Invalid duration',
});

const LABELS: Record<DurationLocale, Record<Unit, string>> = {
  'zh-CN': { d: '天', h: '小时', m: '分钟', s: '秒', ms: '毫秒' },
  en: { d: 'd', h: 'h', m: 'min', s: 's', ms: 'ms' },
};

export interface FormatDurationOptions {
  /**
   * Show at most this many consecutive units starting at the largest non-zero one; the rest is
   * truncated (e.g. 1 d 3 h 25 min with maxUnits 2 → "1 d 3 h"). Default: all units, exact.
   */
  maxUnits?: number;
}

/**
 * Human-readable elapsed duration for display: "1 天 3 小时", "1 d 3 h", "45 分钟", "45 min".
 * A day is 24 hours (this formats elapsed milliseconds, not working days). Zero components are
 * left out; zero is "0 秒" / "0 s"; a negative value (e.g. overdue time) gets a leading "-".
 */
export function formatDuration(ms: number, locale: DurationLocale, options: FormatDurationOptions = {}): string {
  if (!Number.isFinite(ms)) throw new Error(`formatDuration: ${ms} is not a finite number of milliseconds`);
  const labels = LABELS[locale];
  if (!labels) throw new Error(`formatDuration: unsupported locale "${String(locale)}" (use "zh-CN" or "en")`);
  const maxUnits = options.maxUnits ?? UNITS_LARGEST_FIRST.length;
  if (!Number.isInteger(maxUnits) || maxUnits < 1) {
    throw new Error(`formatDuration: maxUnits must be a positive integer, got ${maxUnits}`);
  }

  let rest = Math.abs(Math.round(ms));
  const sign = ms < 0 && rest > 0 ? '-' : '';
  const amounts = UNITS_LARGEST_FIRST.map((unit) => {
    const n = Math.floor(rest / UNIT_MS[unit]);
    rest -= n * UNIT_MS[unit];
    return { unit, n };
  });
  const first = amounts.findIndex((a) => a.n > 0);
  if (first < 0) return `0 ${labels.s}`;
  const parts = amounts
    .slice(first, first + maxUnits)
    .filter((a) => a.n > 0)
    .map((a) => `${a.n} ${labels[a.unit]}`);
  return sign + parts.join(' ');
}
