/**
 * Administration: people and roles (administrators add people, change their role and
 * department, deactivate / reactivate them and issue one-time passwords, as /api/people
 * does — every change an audit record), the deadline policy (versions, the clock table as
 * a form, the compensation authority matrix, the company calendar: each save is a new
 * policy version, as POST /api/policies/:name/versions; running cases keep theirs), and
 * the personal API tokens page (/tokens, everyone: create — shown once — and revoke).
 */
import type { Router } from 'express';
import { workingCalendarSchema } from '../../activities/calendar';
import { policyDefinitionSchema } from '../../activities/policy';
import { ROLES } from '../../api/auth';
import { HttpError } from '../../api/errors';
import { publishPolicyVersion } from '../../api/routes/policies';
import { ADMIN_ROLES, POLICY_ROLES } from '../../api/roles';
import { personBody } from '../../api/routes/people';
import { authorityForm, clocksForm, readAuthority, readClocks } from './policy-forms';
import { message, readForm, renderObjectFields, zodErrors, type FieldErrors, type FormValues } from '../forms';
import { attr, html, raw } from '../html';
import { ADMIN_PAGE, fmtTime, page, type Ctx } from '../layout';
import type { WebKit } from '../index';

interface AdminState {
  person?: { values: FormValues; errors: FieldErrors };
  personEdit?: { id: string; values: FormValues; errors: FieldErrors };
  calendar?: { values: FormValues; errors: FieldErrors };
  clocks?: { values: FormValues; errors: FieldErrors };
  authority?: { values: FormValues; errors: FieldErrors };
  flash?: string;
  flashKind?: 'ok' | 'error';
}

const lines = (s: unknown) =>
  String(s ?? '')
    .split(/[\s,;]+/)
    .map((x) => x.trim())
    .filter(Boolean);

export function adminPages(router: Router, kit: WebKit): void {
  const { db, auth } = kit;

  async function render(ctx: Ctx, state: AdminState = {}, status = 200) {
    const { t } = ctx;
    const isAdmin = (ADMIN_ROLES as readonly string[]).includes(ctx.me.role);
    const mayPolicy = (POLICY_ROLES as readonly string[]).includes(ctx.me.role);
    const [people, departments, versions, latest] = await Promise.all([
      db.person.findMany({ orderBy: [{ role: 'asc' }, { id: 'asc' }], include: { account: { select: { mustChangePassword: true, lastLoginAt: true } } } }),
      db.department.findMany({ orderBy: { code: 'asc' } }),
      db.deadlinePolicy.findMany({ where: { name: kit.policyName }, orderBy: { version: 'desc' }, select: { id: true, version: true, createdAt: true } }),
      db.deadlinePolicy.findFirst({ where: { name: kit.policyName }, orderBy: { version: 'desc' } }),
    ]);
    const dept = new Map(departments.map((d) => [d.id, t.lang === 'en' && d.nameEn ? d.nameEn : d.name]));
    const def = latest ? policyDefinitionSchema.parse(latest.definition) : null;

    const pe = state.personEdit;
    const roleCell = (p: (typeof people)[number]) => {
      if (!isAdmin) return html`${t.enum(p.role)}`;
      const s = pe?.id === p.id ? pe : undefined;
      const role = String(s?.values.role ?? p.role);
      const dep = String(s?.values.departmentId ?? p.departmentId);
      const id = `pe-${p.id}`;
      const e = s?.errors ?? {};
      const invalid = (f: string) => (e[f] ? raw(` aria-invalid="true" aria-describedby="${id}-${f}-err"`) : '');
      return html`<form method="post" action="/admin/people/${encodeURIComponent(p.id)}" class="inline-form" novalidate>
<div class="field${e.role ? ' has-err' : ''}"><label for="${id}-role" class="sr-only">${t('role')} · ${p.name}</label><select id="${id}-role" name="role"${invalid('role')}>${ROLES.map((r) => html`<option value="${r}"${attr('selected', r === role)}>${t.enum(r)}</option>`)}</select>${e.role ? html`<p class="err" id="${id}-role-err">${e.role}</p>` : ''}</div>
<div class="field${e.departmentId ? ' has-err' : ''}"><label for="${id}-departmentId" class="sr-only">${t('department')} · ${p.name}</label><select id="${id}-departmentId" name="departmentId"${invalid('departmentId')}>${departments.map((d) => html`<option value="${d.id}"${attr('selected', d.id === dep)}>${t.lang === 'en' && d.nameEn ? d.nameEn : d.name}</option>`)}</select>${e.departmentId ? html`<p class="err" id="${id}-departmentId-err">${e.departmentId}</p>` : ''}</div>
<button class="secondary">${t('change')}<span class="sr-only"> · ${p.name}</span></button></form>`;
    };
    const peopleTable = html`<div class="table-wrap"><table class="stack-sm"><thead><tr><th scope="col">${t('name')}</th><th scope="col">${t('email')}</th><th scope="col">${isAdmin ? html`${t('role')} / ${t('department')}` : t('role')}</th>${isAdmin ? '' : html`<th scope="col">${t('department')}</th>`}<th scope="col">${t('active')}</th>${isAdmin ? html`<th scope="col"><span class="sr-only">${t('admin')}</span></th>` : ''}</tr></thead><tbody>${people.map(
      (p) => html`<tr id="person-${p.id}"><td data-label="${t('name')}">${p.name} <span class="muted">${p.id}</span></td><td data-label="${t('email')}">${p.email}</td><td data-label="${t('role')}">${roleCell(p)}</td>${isAdmin ? '' : html`<td data-label="${t('department')}">${dept.get(p.departmentId) ?? p.departmentId}</td>`}
<td data-label="${t('active')}">${p.active ? t('yes') : t('no')}${p.account?.mustChangePassword ? html` <span class="muted">(${t('must_change')})</span>` : ''}</td>
${isAdmin
  ? html`<td><div class="actions" style="display:flex;gap:.4rem;flex-wrap:wrap">${p.id !== ctx.me.id
      ? html`<form method="post" action="/admin/people/${encodeURIComponent(p.id)}/active"><input type="hidden" name="active" value="${p.active ? 'false' : 'true'}"><button class="secondary">${p.active ? t('deactivate') : t('reactivate')}</button></form>`
      : ''}${p.active ? html`<form method="post" action="/admin/people/${encodeURIComponent(p.id)}/account"><button class="secondary">${t('reset_account')}</button></form>` : ''}</div></td>`
  : ''}</tr>`,
    )}</tbody></table></div>`;

    const ps = state.person;
    const personForm = isAdmin
      ? html`<details class="card"${attr('open', !!ps)}><summary><h3 style="display:inline">${t('new_person')}</h3></summary>
<form method="post" action="/admin/people" class="stack" novalidate>
${renderObjectFields(personBody, [], { t, tz: ctx.tz, departments, values: ps?.values ?? { locale: 'zh-CN' }, errors: ps?.errors ?? {}, idPrefix: 'person-' })}
<div><button type="submit">${t('save')}</button></div></form></details>`
      : '';

    const cal = def?.calendar;
    const cs = state.calendar;
    const cv = cs?.values ?? {
      workingHours: (cal?.workingHours ?? []).map((h) => `${h.start}-${h.end}`).join(', '),
      holidays: (cal?.holidays ?? []).join('\n'),
      makeUpWorkdays: (cal?.makeUpWorkdays ?? []).join('\n'),
      timeZone: cal?.timeZone ?? ctx.tz,
    };
    const weekdays = cs ? lines(cs.values.workingWeekdays).map(Number) : (cal?.workingWeekdays ?? [1, 2, 3, 4, 5]);
    const ce = cs?.errors ?? {};
    const err = (k: string) => (ce[k] ? html`<p class="err" id="cal-${k}-err">${ce[k]}</p>` : '');
    const dayNames = t.lang === 'zh' ? ['一', '二', '三', '四', '五', '六', '日'] : ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
    const calendarForm = html`<form method="post" action="/admin/calendar" class="card stack" novalidate>
<h3>${t('calendar')} <span class="muted">${kit.policyName} v${latest?.version ?? '—'}</span></h3>
<div class="field${ce.timeZone ? ' has-err' : ''}"><label for="cal-timeZone">Time zone</label><input type="text" id="cal-timeZone" name="timeZone" value="${cv.timeZone}"${attr('disabled', !mayPolicy)}>${err('timeZone')}</div>
<div class="field${ce.workingHours ? ' has-err' : ''}"><label for="cal-workingHours">${t('working_hours')} <small class="hint">08:00-12:00, 13:00-17:00</small></label><input type="text" id="cal-workingHours" name="workingHours" value="${cv.workingHours}"${attr('disabled', !mayPolicy)}>${err('workingHours')}</div>
<fieldset class="field radios${ce.workingWeekdays ? ' has-err' : ''}"><legend>${t('working_hours')} · weekday</legend>${dayNames.map(
      (n, i) => html`<label><input type="checkbox" name="workingWeekdays" value="${i + 1}"${attr('checked', weekdays.includes(i + 1))}${attr('disabled', !mayPolicy)}> ${n}</label>`,
    )}${err('workingWeekdays')}</fieldset>
<div class="field${ce.holidays ? ' has-err' : ''}"><label for="cal-holidays">${t('holidays')}</label><textarea id="cal-holidays" name="holidays" rows="5"${attr('disabled', !mayPolicy)}>${cv.holidays}</textarea>${err('holidays')}</div>
<div class="field${ce.makeUpWorkdays ? ' has-err' : ''}"><label for="cal-makeUpWorkdays">${t('makeup_days')}</label><textarea id="cal-makeUpWorkdays" name="makeUpWorkdays" rows="3"${attr('disabled', !mayPolicy)}>${cv.makeUpWorkdays}</textarea>${err('makeUpWorkdays')}</div>
${mayPolicy ? html`<div><button type="submit">${t('save')}</button></div>` : ''}
</form>`;

    const clockTable = def
      ? html`<div class="table-wrap"><table class="stack-sm"><thead><tr><th scope="col">${t('clock')}</th><th scope="col">${t('due')}</th><th scope="col">rules</th><th scope="col">reminders</th><th scope="col">escalations</th></tr></thead><tbody>${Object.entries(def.clocks).map(
          ([name, c]) => html`<tr><td data-label="${t('clock')}">${t.enum(name)} <span class="muted">${name}</span></td><td data-label="${t('due')}">${(c as { due?: string }).due ?? '—'} ${(c as { timeMode?: string }).timeMode ?? def.timeMode}</td>
<td data-label="rules"><code>${JSON.stringify((c as { rules?: unknown }).rules ?? [])}</code></td><td data-label="reminders">${((c as { reminders?: string[] }).reminders ?? []).join(', ')}</td><td data-label="escalations"><code>${JSON.stringify((c as { escalations?: unknown }).escalations ?? [])}</code></td></tr>`,
        )}</tbody></table></div>`
      : html`<p>${t('nothing')}</p>`;

    const body = html`<nav aria-label="${t('admin')}" class="tabs"><a href="#adm-people">${t('people')}</a><a href="/tokens">${t('api_tokens')}</a><a href="#adm-policy">${t('policy')}</a><a href="#authority-form">${t('authority')}</a><a href="#cal-timeZone">${t('calendar')}</a></nav>
<section aria-labelledby="adm-people"><h2 id="adm-people">${t('people')}</h2>${personForm}${peopleTable}</section>
<section aria-labelledby="adm-policy"><h2 id="adm-policy">${t('policy')} · ${kit.policyName} <span class="muted">v${latest?.version ?? '—'}</span></h2>
<p class="muted">${t('versions')}: ${versions.map((v) => html`<a href="/api/policies/${encodeURIComponent(kit.policyName)}/versions/${v.version}">v${v.version}</a> (${v.createdAt.toISOString().slice(0, 10)}) `)} · <a href="/api/policies/${encodeURIComponent(kit.policyName)}">${t('raw_api')}</a></p>
<details class="card"${attr('open', !mayPolicy)}><summary><h3 style="display:inline">${t('clock_table')} · v${latest?.version ?? '—'}</h3></summary>${clockTable}</details>
${def && mayPolicy ? clocksForm(t, def, state.clocks, mayPolicy, t('edit_clocks')) : ''}
${def ? authorityForm(t, def, state.authority, mayPolicy) : ''}
${calendarForm}</section>`;
    return page(ctx, t, t('admin'), body, { flash: state.flash, flashKind: state.flashKind });
  }

  router.get(
    '/admin',
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, ADMIN_PAGE);
      const flash =
        req.query.saved === 'calendar' || req.query.saved === 'policy'
          ? ctx.t('policy_saved')
          : req.query.saved === 'unchanged'
            ? ctx.t('policy_unchanged')
            : req.query.saved === 'person'
              ? ctx.t('person_saved')
              : req.query.saved
                ? ctx.t('saved')
                : undefined;
      res.type('html').send(await render(ctx, { flash }));
    }),
  );

  router.post(
    '/admin/people',
    ...kit.form,
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, ADMIN_ROLES);
      const body = (req.body ?? {}) as FormValues;
      const { data, values } = readForm(personBody, body, ctx.tz);
      const parsed = personBody.safeParse(data);
      const errors: FieldErrors = parsed.success ? {} : zodErrors(parsed.error, ctx.t);
      if (parsed.success) {
        try {
          await kit.people.create(parsed.data, { actorId: ctx.me.id, ip: req.ip });
        } catch (err) {
          if (!(err instanceof HttpError) || !err.errors.length) throw err;
          for (const e of err.errors) errors[e.field] = e.reason;
        }
      }
      if (!parsed.success || Object.keys(errors).length) return void res.status(422).type('html').send(await render(ctx, { person: { values, errors } }, 422));
      res.redirect(303, '/admin?saved=person');
    }),
  );

  router.post(
    '/admin/people/:id/active',
    ...kit.form,
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, ADMIN_ROLES);
      const id = String(req.params.id);
      if (id === ctx.me.id) throw new HttpError(422, 'validation_failed', 'you cannot deactivate yourself');
      await kit.people.update(id, { active: req.body?.active === 'true' }, { actorId: ctx.me.id, ip: req.ip });
      res.redirect(303, '/admin?saved=person');
    }),
  );

  router.post(
    '/admin/people/:id/account',
    ...kit.form,
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, ADMIN_ROLES);
      const a = await kit.people.issueAccount(String(req.params.id), { actorId: ctx.me.id, ip: req.ip });
      // Shown once, on this answer only (not a redirect: it must not land in a URL or history).
      res.set('Cache-Control', 'no-store').type('html').send(await render(ctx, { flash: `${ctx.t('one_time_password')} ${a.name} <${a.email}>: ${a.password}` }));
    }),
  );

  router.post(
    '/admin/calendar',
    ...kit.form,
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, POLICY_ROLES);
      const b = (req.body ?? {}) as Record<string, unknown>;
      const values: FormValues = {
        timeZone: String(b.timeZone ?? ''),
        workingHours: String(b.workingHours ?? ''),
        workingWeekdays: lines(Array.isArray(b.workingWeekdays) ? b.workingWeekdays.join(',') : b.workingWeekdays).join(','),
        holidays: String(b.holidays ?? ''),
        makeUpWorkdays: String(b.makeUpWorkdays ?? ''),
      };
      const calendar = {
        timeZone: values.timeZone,
        workingHours: lines(values.workingHours).map((p) => {
          const [start, end] = p.split('-');
          return { start: start ?? '', end: end ?? '' };
        }),
        workingWeekdays: lines(values.workingWeekdays).map(Number),
        holidays: lines(values.holidays),
        makeUpWorkdays: lines(values.makeUpWorkdays),
      };
      const parsed = workingCalendarSchema.safeParse(calendar);
      if (!parsed.success) {
        const errors: FieldErrors = {};
        for (const i of parsed.error.issues) errors[String(i.path[0] ?? 'timeZone')] ??= message(i.message, ctx.t) + (i.path.length > 1 ? ` (${i.path.slice(1).join('.')})` : '');
        return void res.status(422).type('html').send(await render(ctx, { calendar: { values, errors } }, 422));
      }
      const latest = await db.deadlinePolicy.findFirst({ where: { name: kit.policyName }, orderBy: { version: 'desc' } });
      if (!latest) throw new HttpError(404, 'not_found', `Policy ${kit.policyName} not found`);
      const current = policyDefinitionSchema.parse(latest.definition);
      const r = await publishPolicyVersion(db, kit.policyName, { ...current, calendar: parsed.data }, { actorId: ctx.me.id, ip: req.ip, via: 'web' });
      res.redirect(303, `/admin?saved=${r.created ? 'calendar' : 'unchanged'}`);
    }),
  );

  // Role and department of a person (administrators); messages next to the row's fields.
  router.post(
    '/admin/people/:id',
    ...kit.form,
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, ADMIN_ROLES);
      const id = String(req.params.id);
      const values: FormValues = { role: String(req.body?.role ?? ''), departmentId: String(req.body?.departmentId ?? '') };
      const parsed = personBody.pick({ role: true, departmentId: true }).safeParse(values);
      let errors: FieldErrors = parsed.success ? {} : zodErrors(parsed.error, ctx.t);
      if (parsed.success) {
        try {
          await kit.people.update(id, parsed.data, { actorId: ctx.me.id, ip: req.ip });
        } catch (err) {
          if (!(err instanceof HttpError) || !err.errors.length) throw err;
          errors = Object.fromEntries(err.errors.map((e) => [e.field, message(e.reason, ctx.t)]));
        }
      }
      if (Object.keys(errors).length) return void res.status(422).type('html').send(await render(ctx, { personEdit: { id, values, errors } }, 422));
      res.redirect(303, `/admin?saved=person#person-${encodeURIComponent(id)}`);
    }),
  );

  const latestDefinition = async () => {
    const latest = await db.deadlinePolicy.findFirst({ where: { name: kit.policyName }, orderBy: { version: 'desc' } });
    if (!latest) throw new HttpError(404, 'not_found', `Policy ${kit.policyName} not found`);
    return policyDefinitionSchema.parse(latest.definition);
  };

  // The clock table: a new policy version (new cases take it; running cases keep theirs).
  router.post(
    '/admin/policy/clocks',
    ...kit.form,
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, POLICY_ROLES);
      const values = { ...(req.body ?? {}) } as FormValues;
      delete values._csrf;
      const r = readClocks(await latestDefinition(), values, ctx.t);
      if (!r.definition) return void res.status(422).type('html').send(await render(ctx, { clocks: { values, errors: r.errors } }, 422));
      const p = await publishPolicyVersion(db, kit.policyName, r.definition, { actorId: ctx.me.id, ip: req.ip, via: 'web' });
      res.redirect(303, `/admin?saved=${p.created ? 'policy' : 'unchanged'}#adm-policy`);
    }),
  );

  // The compensation authority matrix: a new policy version.
  router.post(
    '/admin/policy/authority',
    ...kit.form,
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, POLICY_ROLES);
      const values = { ...(req.body ?? {}) } as FormValues;
      delete values._csrf;
      const r = readAuthority(await latestDefinition(), values, ctx.t);
      if (!r.definition) return void res.status(422).type('html').send(await render(ctx, { authority: { values, errors: r.errors } }, 422));
      const p = await publishPolicyVersion(db, kit.policyName, r.definition, { actorId: ctx.me.id, ip: req.ip, via: 'web' });
      res.redirect(303, `/admin?saved=${p.created ? 'policy' : 'unchanged'}#authority-form`);
    }),
  );

  // ---- personal API tokens (everyone signed in): create (shown once), revoke
  async function tokensPage(ctx: Ctx, state: { created?: { name: string; token: string }; values?: FormValues; errors?: FieldErrors; flash?: string } = {}) {
    const { t, tz } = ctx;
    const tokens = await auth.listApiTokens(ctx.me.id);
    const e = state.errors ?? {};
    const v = state.values ?? {};
    const fmt = (d: Date | null) => (d ? fmtTime(d, tz) : '—');
    const created = state.created
      ? html`<div class="card" role="status" id="new-token"><p><strong>${t('token_created')}</strong> (${state.created.name})</p><code class="token" id="new-token-value" tabindex="0">${state.created.token}</code></div>`
      : '';
    const invalid = (f: string) => (e[f] ? raw(` aria-invalid="true" aria-describedby="tok-${f}-err"`) : '');
    const body = html`<p class="muted">${t('api_tokens_hint')}</p>${created}
<form method="post" action="/tokens" class="card stack" novalidate>
${Object.keys(e).length ? html`<p class="flash flash-error" role="alert">${t('fix_errors')}</p>` : ''}
<div class="field${e.name ? ' has-err' : ''}"><label for="tok-name">${t('token_name')}</label><input type="text" id="tok-name" name="name" maxlength="100" value="${v.name ?? ''}" required${invalid('name')}>${e.name ? html`<p class="err" id="tok-name-err">${e.name}</p>` : ''}</div>
<div class="field${e.expiresInDays ? ' has-err' : ''}"><label for="tok-expiresInDays">${t('expires_in_days')}</label><input type="number" id="tok-expiresInDays" name="expiresInDays" min="1" max="3650" value="${v.expiresInDays ?? ''}"${invalid('expiresInDays')}>${e.expiresInDays ? html`<p class="err" id="tok-expiresInDays-err">${e.expiresInDays}</p>` : ''}</div>
<div><button type="submit">${t('create_token')}</button></div></form>
<div class="table-wrap"><table class="stack-sm" id="tokens"><thead><tr><th scope="col">${t('token_name')}</th><th scope="col">${t('created')}</th><th scope="col">${t('expires')}</th><th scope="col">${t('last_used')}</th><th scope="col">${t('status')}</th><th scope="col"><span class="sr-only">${t('revoke')}</span></th></tr></thead><tbody>${
      tokens.length
        ? tokens.map(
            (k) => html`<tr data-token="${k.id}"><td data-label="${t('token_name')}">${k.name}</td><td data-label="${t('created')}">${fmt(k.createdAt)}</td><td data-label="${t('expires')}">${fmt(k.expiresAt)}</td><td data-label="${t('last_used')}">${fmt(k.lastUsedAt)}</td>
<td data-label="${t('status')}">${k.revokedAt ? html`${t('revoked')} <span class="muted">${fmt(k.revokedAt)}</span>` : k.expiresAt && k.expiresAt < new Date() ? t('overdue') : t('active')}</td>
<td>${k.revokedAt ? '' : html`<form method="post" action="/tokens/${k.id}/revoke"><button class="secondary">${t('revoke')}<span class="sr-only"> ${k.name}</span></button></form>`}</td></tr>`,
          )
        : html`<tr><td colspan="6">${t('nothing')}</td></tr>`
    }</tbody></table></div>`;
    return page(ctx, t, t('api_tokens'), body, { flash: state.flash });
  }

  router.get(
    '/tokens',
    kit.handle(async (req, res, ctx) => {
      res.type('html').send(await tokensPage(ctx, { flash: req.query.revoked ? ctx.t('token_revoked') : undefined }));
    }),
  );

  router.post(
    '/tokens',
    ...kit.form,
    kit.handle(async (req, res, ctx) => {
      const values: FormValues = { name: String(req.body?.name ?? '').trim(), expiresInDays: String(req.body?.expiresInDays ?? '').trim() };
      const errors: FieldErrors = {};
      if (!values.name) errors.name = message('is required', ctx.t);
      else if (String(values.name).length > 100) errors.name = 'at most 100 characters';
      const days = values.expiresInDays ? Number(values.expiresInDays) : undefined;
      if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= 3650)) errors.expiresInDays = 'must be a whole number of days from 1 to 3650';
      if (Object.keys(errors).length) return void res.status(422).type('html').send(await tokensPage(ctx, { values, errors }));
      const k = await auth.createApiToken(ctx.me.id, String(values.name), days ? new Date(Date.now() + days * 86_400_000) : undefined);
      // Shown once, on this answer only (not a redirect).
      res.set('Cache-Control', 'no-store').type('html').send(await tokensPage(ctx, { created: { name: k.name, token: k.token } }));
    }),
  );

  router.post(
    '/tokens/:id/revoke',
    ...kit.form,
    kit.handle(async (req, res, ctx) => {
      const id = String(req.params.id);
      if (!/^[0-9a-f-]{36}$/i.test(id) || !(await auth.revokeApiToken(ctx.me.id, id))) throw new HttpError(404, 'not_found', `API token ${id} not found`);
      res.redirect(303, '/tokens?revoked=1');
    }),
  );
}
