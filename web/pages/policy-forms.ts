/**
 * The deadline policy's clock table and compensation authority matrix as forms: the
 * latest version's values in text fields, read back into a policy definition and checked
 * by policyDefinitionSchema (the same schema POST /api/policies/:name/versions uses).
 * A save publishes a new version; running cases keep theirs.
 */
import { z } from 'zod';
import { policyDefinitionSchema, type PolicyDefinition } from '../../activities/policy';
import { message, type FieldErrors, type FormValues } from '../forms';
import { attr, html, raw, type SafeHtml } from '../html';
import type { T } from '../i18n';

const ROLES = ['sales', 'qa_engineer', 'qa_manager', 'department_owner', 'general_affairs', 'management_rep', 'auditor', 'admin'] as const;
const WHEN_KEYS = ['severity', 'origin', 'category'] as const;

const list = (s: unknown) =>
  String(s ?? '')
    .split(/[\s,;，、]+/)
    .map((x) => x.trim())
    .filter(Boolean);
const linesOf = (s: unknown) =>
  String(s ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[v.length - 1] : v) ?? '';

type Clock = PolicyDefinition['clocks'][keyof PolicyDefinition['clocks']];

/** A clock as the form's text values. */
export function clockValues(def: PolicyDefinition): FormValues {
  const v: FormValues = { timeMode: def.timeMode };
  for (const [name, c] of Object.entries(def.clocks) as [string, Clock][]) {
    v[`${name}.due`] = c.due;
    v[`${name}.timeMode`] = c.timeMode ?? '';
    v[`${name}.rules`] = c.rules.map((r) => [...Object.entries(r.when).map(([k, x]) => `${k}=${x}`), r.due].join(' ')).join('\n');
    v[`${name}.reminders`] = c.reminders.join(', ');
    v[`${name}.escalations`] = c.escalations.map((e) => [e.after, ...e.notify].join(' ')).join('\n');
  }
  return v;
}

/** The form → a definition (the rest of `current` unchanged) or messages by field (`reply.rules`, …). */
export function readClocks(current: PolicyDefinition, form: FormValues, t: T): { definition?: PolicyDefinition; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const clocks: Record<string, unknown> = {};
  for (const name of Object.keys(current.clocks)) {
    const rules = linesOf(form[`${name}.rules`]).map((line, i) => {
      const parts = line.split(/\s+/);
      const due = parts.pop() ?? '';
      const when: Record<string, string> = {};
      for (const p of parts) {
        const [k, x] = p.split('=');
        if (!k || !x || !(WHEN_KEYS as readonly string[]).includes(k)) errors[`${name}.rules`] ??= `${t('rules')}: "${p}" (${i + 1})`;
        else when[k] = x;
      }
      return { when, due };
    });
    const escalations = linesOf(form[`${name}.escalations`]).map((line) => {
      const [after, ...notify] = line.split(/\s+/);
      return { after: after ?? '', notify };
    });
    const mode = one(form[`${name}.timeMode`]);
    clocks[name] = {
      due: one(form[`${name}.due`]).trim(),
      ...(mode ? { timeMode: mode } : {}),
      rules,
      reminders: list(form[`${name}.reminders`]),
      escalations,
    };
  }
  const candidate = { ...current, timeMode: one(form.timeMode) || current.timeMode, clocks };
  const r = policyDefinitionSchema.safeParse(candidate);
  if (!r.success) for (const i of r.error.issues) addIssue(errors, i, t);
  if (Object.keys(errors).length || !r.success) return { errors };
  return { definition: r.data, errors };
}

function addIssue(errors: FieldErrors, i: z.core.$ZodIssue, t: T) {
  const p = i.path.map(String);
  // clocks.<name>.<field>[.<index>[.<sub>]]
  const key = p[0] === 'clocks' && p.length >= 3 ? `${p[1]}.${p[2]}` : p[0] === 'authority' ? (p[1] === 'rows' && p.length >= 4 ? `rows.${p[2]}.${p[3]}` : p[1] === 'rows' ? 'rows' : `authority.${p[1] ?? ''}`) : p.join('.') || 'timeMode';
  const where = p[0] === 'clocks' && p.length > 3 ? ` (${Number(p[3]) + 1}${p[4] ? ` · ${p[4]}` : ''})` : '';
  errors[key] ??= message(i.message, t) + where;
}

const err = (id: string, e: string | undefined) => (e ? html`<p class="err" id="${id}-err">${e}</p>` : '');
const invalid = (id: string, e: string | undefined) => (e ? raw(` aria-invalid="true" aria-describedby="${id}-err"`) : '');

/** The clock table as a form (one row per clock). */
export function clocksForm(t: T, def: PolicyDefinition, state: { values: FormValues; errors: FieldErrors } | undefined, editable: boolean, label: string): SafeHtml {
  const v = state?.values ?? clockValues(def);
  const e = state?.errors ?? {};
  const dis = attr('disabled', !editable);
  const rows = Object.keys(def.clocks).map((name) => {
    const id = (f: string) => `clk-${name}-${f}`;
    const cell = (f: string, label: string, input: SafeHtml) =>
      html`<td data-label="${label}"><div class="field${e[`${name}.${f}`] ? ' has-err' : ''}"><label class="sr-only" for="${id(f)}">${t.enum(name)} · ${label}</label>${input}${err(id(f), e[`${name}.${f}`])}</div></td>`;
    const text = (f: string, label: string, size = 6) =>
      cell(f, label, html`<input type="text" id="${id(f)}" name="${name}.${f}" value="${one(v[`${name}.${f}`])}" size="${size}"${dis}${invalid(id(f), e[`${name}.${f}`])}>`);
    const area = (f: string, label: string) =>
      cell(f, label, html`<textarea id="${id(f)}" name="${name}.${f}" rows="${Math.max(2, String(one(v[`${name}.${f}`])).split('\n').length)}" spellcheck="false"${dis}${invalid(id(f), e[`${name}.${f}`])}>${one(v[`${name}.${f}`])}</textarea>`);
    const mode = one(v[`${name}.timeMode`]);
    return html`<tr id="clock-${name}"><th scope="row">${t.enum(name)} <span class="muted">${name}</span></th>
${text('due', t('due_default'))}
${cell('timeMode', t('time_mode'), html`<select id="${id('timeMode')}" name="${name}.timeMode"${dis}><option value="">${t('policy_default')}</option><option value="calendar"${attr('selected', mode === 'calendar')}>${t('calendar_time')}</option><option value="working"${attr('selected', mode === 'working')}>${t('working_time')}</option></select>`)}
${area('rules', t('rules'))}
${text('reminders', t('reminders'), 10)}
${area('escalations', t('escalations'))}</tr>`;
  });
  const pm = one(v.timeMode);
  return html`<form method="post" action="/admin/policy/clocks" class="card" novalidate id="clocks-form">
<h3>${label}</h3>
<p class="hint">${t('running_keep')} ${t('duration_hint')}. ${t('rules_hint')}. ${t('escalations_hint')}.</p>
${Object.keys(e).length ? html`<p class="flash flash-error" role="alert">${t('fix_errors')}</p>` : ''}
<div class="field${e.timeMode ? ' has-err' : ''}" style="max-width:20rem"><label for="clk-timeMode">${t('time_mode')}</label><select id="clk-timeMode" name="timeMode"${dis}><option value="calendar"${attr('selected', pm === 'calendar')}>${t('calendar_time')}</option><option value="working"${attr('selected', pm === 'working')}>${t('working_time')}</option></select>${err('clk-timeMode', e.timeMode)}</div>
<div class="table-wrap"><table class="stack-sm edit"><thead><tr><th scope="col">${t('clock')}</th><th scope="col">${t('due_default')}</th><th scope="col">${t('time_mode')}</th><th scope="col">${t('rules')}</th><th scope="col">${t('reminders')}</th><th scope="col">${t('escalations')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>
${editable ? html`<p><button type="submit">${t('save')}</button></p>` : ''}
</form>`;
}

/** The authority matrix as the form's values (the rows and two empty ones). */
export function authorityValues(def: PolicyDefinition): FormValues {
  const v: FormValues = { currency: def.authority.currency };
  def.authority.rows.forEach((r, i) => {
    v[`rows.${i}.upTo`] = r.upTo === null ? '' : String(r.upTo);
    v[`rows.${i}.role`] = r.role;
  });
  return v;
}

export function readAuthority(current: PolicyDefinition, form: FormValues, t: T): { definition?: PolicyDefinition; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const idx = [...new Set(Object.keys(form).map((k) => /^rows\.(\d+)\./.exec(k)?.[1]).filter((x): x is string => !!x).map(Number))].sort((a, b) => a - b);
  const rows: { upTo: number | null; role: string; at: number }[] = [];
  for (const i of idx) {
    const up = one(form[`rows.${i}.upTo`]).trim();
    const role = one(form[`rows.${i}.role`]).trim();
    if (!up && !role) continue; // an empty row
    if (!role) errors[`rows.${i}.role`] = message('is required', t);
    const n = up === '' ? null : Number(up.replace(/[,，\s]/g, ''));
    if (n !== null && !(Number.isFinite(n) && n > 0)) errors[`rows.${i}.upTo`] = message('must be a positive number', t);
    rows.push({ upTo: n, role, at: i });
  }
  for (let k = 1; k < rows.length; k++) {
    const a = rows[k - 1]!.upTo;
    const b = rows[k]!.upTo;
    if (a === null) errors[`rows.${rows[k - 1]!.at}.upTo`] ??= message('only the last row may have no limit', t);
    else if (b !== null && b <= a) errors[`rows.${rows[k]!.at}.upTo`] ??= message('must be higher than the row above', t);
  }
  if (rows.length && rows[rows.length - 1]!.upTo !== null) errors[`rows.${rows[rows.length - 1]!.at}.upTo`] ??= message('the last row must have no limit (leave it empty)', t);
  if (!rows.length) errors.rows = message('is required', t);
  if (Object.keys(errors).length) return { errors };
  const candidate = { ...current, authority: { currency: one(form.currency).trim().toUpperCase(), rows: rows.map(({ upTo, role }) => ({ upTo, role })) } };
  const r = policyDefinitionSchema.safeParse(candidate);
  if (!r.success) {
    for (const i of r.error.issues) {
      const p = i.path.map(String);
      // rows.<position>.<field>: back to the form's row number
      const key = p[1] === 'rows' && p.length >= 4 ? `rows.${rows[Number(p[2])]?.at ?? p[2]}.${p[3]}` : p[1] === 'currency' ? 'currency' : 'rows';
      errors[key] ??= message(i.message, t);
    }
    return { errors };
  }
  return { definition: r.data, errors };
}

export function authorityForm(t: T, def: PolicyDefinition, state: { values: FormValues; errors: FieldErrors } | undefined, editable: boolean): SafeHtml {
  const v = state?.values ?? authorityValues(def);
  const e = state?.errors ?? {};
  const dis = attr('disabled', !editable);
  const n = Math.max(def.authority.rows.length, ...Object.keys(v).map((k) => Number(/^rows\.(\d+)\./.exec(k)?.[1] ?? -1) + 1)) + 2;
  const rows = Array.from({ length: n }, (_, i) => {
    const up = one(v[`rows.${i}.upTo`]);
    const role = one(v[`rows.${i}.role`]);
    const uid = `auth-${i}-upTo`;
    const rid = `auth-${i}-role`;
    return html`<tr><td data-label="${t('up_to')}"><div class="field${e[`rows.${i}.upTo`] ? ' has-err' : ''}"><label class="sr-only" for="${uid}">${t('up_to')} (${i + 1})</label><input type="text" inputmode="decimal" id="${uid}" name="rows.${i}.upTo" value="${up}" placeholder="${t('no_limit')}"${dis}${invalid(uid, e[`rows.${i}.upTo`])}>${err(uid, e[`rows.${i}.upTo`])}</div></td>
<td data-label="${t('approver')}"><div class="field${e[`rows.${i}.role`] ? ' has-err' : ''}"><label class="sr-only" for="${rid}">${t('approver')} (${i + 1})</label><select id="${rid}" name="rows.${i}.role"${dis}${invalid(rid, e[`rows.${i}.role`])}><option value="">—</option>${ROLES.map((r) => html`<option value="${r}"${attr('selected', role === r)}>${t.enum(r)}</option>`)}</select>${err(rid, e[`rows.${i}.role`])}</div></td></tr>`;
  });
  return html`<form method="post" action="/admin/policy/authority" class="card stack" novalidate id="authority-form">
<h3>${t('authority')}</h3>
<p class="hint">${t('authority_hint')} ${t('add_authority_row')} ${t('running_keep')}</p>
${Object.keys(e).length ? html`<p class="flash flash-error" role="alert">${t('fix_errors')}${e.rows ? html` ${e.rows}` : ''}</p>` : ''}
<div class="field${e.currency ? ' has-err' : ''}" style="max-width:10rem"><label for="auth-currency">${t('currency')}</label><input type="text" id="auth-currency" name="currency" value="${one(v.currency)}" maxlength="3"${dis}${invalid('auth-currency', e.currency)}>${err('auth-currency', e.currency)}</div>
<div class="table-wrap"><table class="stack-sm edit"><thead><tr><th scope="col">${t('up_to')}</th><th scope="col">${t('approver')}</th></tr></thead><tbody>${rows}</tbody></table></div>
${editable ? html`<div><button type="submit">${t('save')}</button></div>` : ''}
</form>`;
}
