/**
 * The shared e-mail layout. A template describes its message once as a {@link MailLayout};
 * {@link renderMail} turns that into an inline-styled HTML part (tables, no external
 * resources, works in Outlook and web mail) and the equivalent plain-text part.
 * Every piece of data is HTML-escaped here, so templates pass raw strings.
 */
import { MailLocale, oneLine } from './format';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export type MailTone = 'info' | 'warning' | 'danger';

export interface MailFact {
  label: string;
  value: string;
  /** Shown emphasised (the deadline, the time left, the overdue duration). */
  strong?: boolean;
}

export interface MailLayout {
  locale: MailLocale;
  subject: string;
  /** Hidden preview line most clients show next to the subject. */
  preheader: string;
  tone: MailTone;
  /** Short label above the heading, e.g. "期限提醒" / "Deadline reminder". */
  kicker: string;
  heading: string;
  greeting: string;
  paragraphs: string[];
  facts: MailFact[];
  /** Lists after the facts (the daily digest's "overdue" / "due today" / "due tomorrow"). */
  sections?: MailSection[];
  /** The button; omitted for letters that link nowhere (the reply letter to a customer). */
  action?: { label: string; href: string };
  /** Shown under the HTML button above the bare link, for clients that do not render buttons. */
  actionHint: string;
  footer: string;
}

export interface MailSectionItem {
  /** One-line title, e.g. "CC-2026-0012 · Reply to the customer". */
  title: string;
  /** Absolute http(s) link; checked like the action link. */
  href: string;
  /** Smaller detail lines under the title. */
  details: string[];
  /** Shown emphasised, e.g. "overdue by 3 h". */
  badge?: string;
}

export interface MailSection {
  title: string;
  tone?: MailTone;
  items: MailSectionItem[];
  /** Shown when the section has no items; a section with neither is left out. */
  empty?: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Accepts only absolute http(s) links, so data can never smuggle a `javascript:` URL into a button. */
export function safeLink(href: string): string {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new TypeError(`mail link is not an absolute URL: ${JSON.stringify(href)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`mail link must be http(s): ${JSON.stringify(href)}`);
  }
  return url.toString();
}

export const MAIL_FONT_STACK =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', Arial, sans-serif";

const TONES: Record<MailTone, { accent: string; soft: string }> = {
  info: { accent: '#1d4ed8', soft: '#eff6ff' },
  warning: { accent: '#b45309', soft: '#fffbeb' },
  danger: { accent: '#b91c1c', soft: '#fef2f2' },
};

export function renderMail(input: MailLayout): RenderedMail {
  const href = input.action ? safeLink(input.action.href) : null;
  const layout: MailLayout = {
    ...input,
    sections: input.sections?.map((s) => ({ ...s, items: s.items.map((i) => ({ ...i, href: safeLink(i.href) })) })),
  };
  return {
    subject: oneLine(layout.subject),
    text: renderText(layout, href),
    html: renderHtml(layout, href),
  };
}

function renderText(l: MailLayout, href: string | null): string {
  const sep = l.locale === 'zh-CN' ? '：' : ': ';
  const lines: string[] = [l.heading, '='.repeat(Math.min(60, Math.max(8, displayWidth(l.heading)))), '', l.greeting, ''];
  for (const p of l.paragraphs) lines.push(p, '');
  for (const f of l.facts) lines.push(`  ${f.label}${sep}${f.value}`);
  for (const s of l.sections ?? []) {
    if (!s.items.length && !s.empty) continue;
    lines.push('', `${s.title}`, '-'.repeat(Math.min(60, Math.max(8, displayWidth(s.title)))));
    if (!s.items.length) lines.push(`  ${s.empty}`);
    for (const item of s.items) {
      lines.push(`* ${item.title}${item.badge ? ` [${item.badge}]` : ''}`);
      for (const d of item.details) lines.push(`  ${d}`);
      lines.push(`  ${item.href}`);
    }
  }
  if (l.action && href) lines.push('', `${l.action.label}${sep}${href}`);
  lines.push('', '-- ', l.footer, '');
  return lines.join('\n');
}

/** Terminal-ish width: CJK and full-width characters count as two columns. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

function renderSectionsHtml(l: MailLayout): string {
  const e = escapeHtml;
  const font = MAIL_FONT_STACK;
  return (l.sections ?? [])
    .filter((s) => s.items.length || s.empty)
    .map((s) => {
      const tone = TONES[s.tone ?? l.tone];
      const items = s.items.length
        ? s.items
            .map(
              (item) =>
                `<tr><td style="padding:8px 0;border-bottom:1px solid #e5e7eb;font-size:14px;line-height:1.6;color:#111827;">` +
                `<a href="${e(item.href)}" target="_blank" rel="noopener" style="color:${tone.accent};font-weight:bold;text-decoration:none;">${e(item.title)}</a>` +
                (item.badge ? ` <span style="color:${tone.accent};font-weight:bold;">${e(item.badge)}</span>` : '') +
                item.details.map((d) => `<br><span style="color:#6b7280;font-size:13px;">${e(d)}</span>`).join('') +
                `</td></tr>`,
            )
            .join('\n')
        : `<tr><td style="padding:8px 0;font-size:14px;color:#6b7280;">${e(s.empty ?? '')}</td></tr>`;
      return `<tr><td style="padding:18px 28px 0 28px;font-family:${font};">
<h2 style="margin:0 0 6px 0;font-size:16px;color:${tone.accent};border-bottom:2px solid ${tone.accent};padding-bottom:4px;">${e(s.title)}</h2>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
${items}
</table>
</td></tr>`;
    })
    .join('\n');
}

function renderHtml(l: MailLayout, href: string | null): string {
  const tone = TONES[l.tone];
  const e = escapeHtml;
  // A constant with single quotes only, safe inside the double-quoted style attributes.
  const font = MAIL_FONT_STACK;
  const facts = l.facts
    .map(
      (f) =>
        `<tr><td style="padding:6px 12px 6px 0;color:#6b7280;font-size:14px;vertical-align:top;white-space:nowrap;">${e(f.label)}</td>` +
        `<td style="padding:6px 0;color:#111827;font-size:14px;vertical-align:top;${f.strong ? `font-weight:bold;color:${tone.accent};` : ''}">${e(f.value)}</td></tr>`,
    )
    .join('\n');
  const paragraphs = l.paragraphs
    .map((p) => `<p style="margin:0 0 14px 0;font-size:15px;line-height:1.7;color:#1f2937;">${e(p)}</p>`)
    .join('\n');
  const factsBlock = l.facts.length
    ? `<tr><td style="padding:0 28px;font-family:${font};">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:${tone.soft};border-radius:4px;">
<tr><td style="padding:10px 16px;">
<table role="presentation" cellpadding="0" cellspacing="0" border="0">
${facts}
</table>
</td></tr>
</table>
</td></tr>`
    : '';
  const actionBlock =
    l.action && href
      ? `<tr><td style="padding:22px 28px 6px 28px;font-family:${font};">
<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>
<td style="border-radius:4px;background:${tone.accent};">
<a href="${e(href)}" target="_blank" rel="noopener" style="display:inline-block;padding:11px 22px;font-size:15px;font-weight:bold;color:#ffffff;text-decoration:none;border-radius:4px;">${e(l.action.label)}</a>
</td></tr></table>
<p style="margin:12px 0 0 0;font-size:12px;line-height:1.6;color:#6b7280;">${e(l.actionHint)}<br><a href="${e(href)}" target="_blank" rel="noopener" style="color:${tone.accent};word-break:break-all;">${e(href)}</a></p>
</td></tr>`
      : '';
  return `<!DOCTYPE html>
<html lang="${e(l.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${e(oneLine(l.subject))}</title>
</head>
<body style="margin:0;padding:0;background:#f3f4f6;font-family:${font};">
<div style="display:none;max-height:0;overflow:hidden;opacity:0;color:transparent;">${e(l.preheader)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f6;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;background:#ffffff;border:1px solid #e5e7eb;border-top:4px solid ${tone.accent};border-radius:6px;">
<tr><td style="padding:24px 28px 8px 28px;font-family:${font};">
<div style="font-size:13px;font-weight:bold;letter-spacing:0.04em;color:${tone.accent};">${e(l.kicker)}</div>
<h1 style="margin:6px 0 18px 0;font-size:20px;line-height:1.4;color:#111827;">${e(l.heading)}</h1>
<p style="margin:0 0 14px 0;font-size:15px;line-height:1.7;color:#1f2937;">${e(l.greeting)}</p>
${paragraphs}
</td></tr>
${factsBlock}
${renderSectionsHtml(l)}
${actionBlock}
<tr><td style="padding:18px 28px 24px 28px;font-family:${font};">
<p style="margin:0;border-top:1px solid #e5e7eb;padding-top:12px;font-size:12px;line-height:1.6;color:#9ca3af;">${e(l.footer)}</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}
