/** The page shell: skip link, header with navigation (my-work count), language switch, sign-out. */
import { DateTime } from 'luxon';
import { esc, html, raw, type SafeHtml } from './html';
import type { T } from './i18n';

export interface Me {
  id: string;
  name: string;
  email: string;
  role: string;
  departmentId: string;
}

export interface Ctx {
  t: T;
  me: Me;
  tz: string;
  /** Open steps of the signed-in person (header badge). */
  workCount: number;
  /** Current path + query (for redirects back). */
  url: string;
  /** CSRF token of the session (api/csrf.ts): put into every POST form by `page`. */
  csrf: string;
  /** Header links that depend on the deployment. */
  links?: { outbox?: boolean; temporalUi?: string };
}

export const READ_ALL = ['auditor', 'qa_manager', 'management_rep', 'admin'];
export const ADMIN_PAGE = ['admin', 'qa_manager'];
/** Who sees the mail outbox and the Temporal Web UI links (the outbox route allows the same roles). */
export const OPS_LINKS = ['admin', 'qa_manager', 'auditor'];

/** Every `<form method="post">` gets the hidden CSRF field right after its opening tag. */
export function withCsrf(markup: string, token: string): string {
  const field = `<input type="hidden" name="_csrf" value="${esc(token)}">`;
  return markup.replace(/<form\b[^>]*\bmethod="post"[^>]*>/gi, (tag) => tag + field);
}

export function fmtTime(d: Date | string | null | undefined, tz: string): string {
  if (!d) return '—';
  const dt = typeof d === 'string' ? DateTime.fromISO(d, { zone: tz }) : DateTime.fromJSDate(d, { zone: tz });
  return dt.setZone(tz).toFormat('yyyy-MM-dd HH:mm');
}

/** "3d 4h", "5h 12m", "25m" — for time left (negative: overdue). */
export function fmtDuration(ms: number): string {
  const m = Math.floor(Math.abs(ms) / 60_000);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const mm = m % 60;
  return d ? `${d}d ${h}h` : h ? `${h}h ${mm}m` : `${mm}m`;
}

/** on time / due soon (less than a quarter of the clock or 4 h left) / overdue. */
export function urgency(dueAt: Date, startedAt: Date | null, now = Date.now()): 'ok' | 'soon' | 'overdue' {
  const left = dueAt.getTime() - now;
  if (left < 0) return 'overdue';
  const span = startedAt ? dueAt.getTime() - startedAt.getTime() : 0;
  if (left < Math.max(4 * 3600_000, span / 4)) return 'soon';
  return 'ok';
}

export function countdown(t: T, dueAt: Date, startedAt: Date | null, tz: string): SafeHtml {
  const u = urgency(dueAt, startedAt);
  const left = dueAt.getTime() - Date.now();
  const text = left < 0 ? `${t('countdown_overdue')} ${fmtDuration(left)}` : fmtDuration(left);
  return html`<span class="due due-${u}" data-due="${dueAt.toISOString()}" data-over="${t('countdown_overdue')}"><span class="badge">${t(u === 'ok' ? 'on_time' : u === 'soon' ? 'due_soon' : 'overdue')}</span> <span class="left">${text}</span> <time datetime="${dueAt.toISOString()}">${fmtTime(dueAt, tz)}</time></span>`;
}

export function page(ctx: Ctx | null, t: T, title: string, body: SafeHtml, opts: { flash?: string; flashKind?: 'ok' | 'error'; csrf?: string } = {}): string {
  const me = ctx?.me;
  const nav = me
    ? html`<nav aria-label="main" class="nav">
        <a href="/work">${t('my_work')} <span class="count" aria-label="${ctx!.workCount} ${t('waiting_for_you')}">${ctx!.workCount}</span></a>
        <a href="/cases">${t('cases')}</a>
        ${['sales', 'qa_engineer', 'qa_manager'].includes(me.role) ? html`<a href="/cases/new">${t('new_complaint')}</a>` : ''}
        <a href="/dashboard">${t('dashboard')}</a>
        ${READ_ALL.includes(me.role) ? html`<a href="/satisfaction">${t('satisfaction')}</a>` : ''}
        ${READ_ALL.includes(me.role) ? html`<a href="/audit">${t('audit')}</a>` : ''}
        ${ADMIN_PAGE.includes(me.role) ? html`<a href="/admin">${t('admin')}</a>` : ''}
        ${ctx!.links?.outbox && OPS_LINKS.includes(me.role) ? html`<a href="/outbox/">${t('outbox')}</a>` : ''}
        ${ctx!.links?.temporalUi && OPS_LINKS.includes(me.role) ? html`<a href="${ctx!.links.temporalUi}" class="ext" target="_blank" rel="noopener noreferrer">${t('temporal_ui')}<span class="sr-only"> (${t('new_window')})</span></a>` : ''}
      </nav>`
    : '';
  const langSwitch = html`<form method="post" action="/lang" class="lang"><input type="hidden" name="next" value="${ctx?.url ?? '/'}"><button name="lang" value="${t.lang === 'zh' ? 'en' : 'zh'}" lang="${t.lang === 'zh' ? 'en' : 'zh'}" title="${t('language')}">${t.lang === 'zh' ? 'English' : '中文'}</button></form>`;
  const user = me
    ? html`<div class="user"><span>${me.name} · ${t.enum(me.role)}</span><form method="post" action="/signout"><button>${t('sign_out')}</button></form></div>`
    : '';
  const flash = opts.flash ? html`<p class="flash flash-${opts.flashKind ?? 'ok'}" role="${opts.flashKind === 'error' ? 'alert' : 'status'}">${opts.flash}</p>` : '';
  const doc = html`<!doctype html>
<html lang="${t.lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · ${t('app')}</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">${t('skip')}</a>
<header class="top">
  <a class="brand" href="/work">${t('app')}</a>
  ${nav}
  <div class="tools">${langSwitch}${user}</div>
</header>
<main id="main" tabindex="-1">
${flash}
<h1>${title}</h1>
${body}
</main>
${ctx ? html`<footer class="foot">${t('time_zone_note')} ${ctx.tz} · <a href="/password">${t('change_password')}</a> · <a href="/tokens">${t('api_tokens')}</a></footer>` : ''}
</body>
</html>`;
  return withCsrf(doc.value, ctx?.csrf ?? opts.csrf ?? '');
}
