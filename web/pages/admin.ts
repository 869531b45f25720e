/**
 * Administration: people and roles (administrators add, deactivate / reactivate and issue
 * one-time passwords, as /api/people does), the deadline policy (latest version, versions)
 * and the company calendar (working hours, weekdays, holidays, make-up working days; a save
 * is a new policy version, as PUT /api/policies/:name/calendar).
 */
import type { Router } from 'express';
import { workingCalendarSchema } from '../../activities/calendar';
import { policyDefinitionSchema } from '../../activities/policy';
import { randomPassword } from '../../api/auth';
import { HttpError } from '../../api/errors';
import { ADMIN_ROLES, POLICY_ROLES } from '../../api/roles';
import { personBody } from '../../api/routes/people';
import { ensurePolicy } from '../../prisma/seed';
import { message, readForm, renderObjectFields, zodErrors, type FieldErrors, type FormValues } from '../forms';
import { attr, html } from '../html';
import { ADMIN_PAGE, page, type Ctx } from '../layout';
import type { WebKit } from '../index';

interface AdminState {
  person?: { values: FormValues; errors: FieldErrors };
  calendar?: { values: FormValues; errors: FieldErrors };
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

    const peopleTable = html`<div class="table-wrap"><table class="stack-sm"><thead><tr><th scope="col">${t('name')}</th><th scope="col">${t('email')}</th><th scope="col">${t('role')}</th><th scope="col">${t('department')}</th><th scope="col">${t('active')}</th>${isAdmin ? html`<th scope="col"><span class="sr-only">${t('admin')}</span></th>` : ''}</tr></thead><tbody>${people.map(
      (p) => html`<tr><td data-label="${t('name')}">${p.name} <span class="muted">${p.id}</span></td><td data-label="${t('email')}">${p.email}</td><td data-label="${t('role')}">${t.enum(p.role)}</td><td data-label="${t('department')}">${dept.get(p.departmentId) ?? p.departmentId}</td>
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

    const clocks = def
      ? html`<div class="table-wrap"><table class="stack-sm"><thead><tr><th scope="col">${t('clock')}</th><th scope="col">${t('due')}</th><th scope="col">rules</th><th scope="col">reminders</th><th scope="col">escalations</th></tr></thead><tbody>${Object.entries(def.clocks).map(
          ([name, c]) => html`<tr><td data-label="${t('clock')}">${t.enum(name)} <span class="muted">${name}</span></td><td data-label="${t('due')}">${(c as { due?: string }).due ?? '—'} ${(c as { timeMode?: string }).timeMode ?? def.timeMode}</td>
<td data-label="rules"><code>${JSON.stringify((c as { rules?: unknown }).rules ?? [])}</code></td><td data-label="reminders">${((c as { reminders?: string[] }).reminders ?? []).join(', ')}</td><td data-label="escalations"><code>${JSON.stringify((c as { escalations?: unknown }).escalations ?? [])}</code></td></tr>`,
        )}</tbody></table></div>`
      : html`<p>${t('nothing')}</p>`;

    const body = html`<section aria-labelledby="adm-people"><h2 id="adm-people">${t('people')}</h2>${personForm}${peopleTable}</section>
<section aria-labelledby="adm-policy"><h2 id="adm-policy">${t('policy')} · ${kit.policyName}</h2>
<p class="muted">${t('versions')}: ${versions.map((v) => html`<a href="/api/policies/${encodeURIComponent(kit.policyName)}/versions/${v.version}">v${v.version}</a> (${v.createdAt.toISOString().slice(0, 10)}) `)} · <a href="/api/policies/${encodeURIComponent(kit.policyName)}">${t('raw_api')}</a></p>
${clocks}
${calendarForm}</section>`;
    return page(ctx, t, t('admin'), body, { flash: state.flash, flashKind: state.flashKind });
  }

  router.get(
    '/admin',
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, ADMIN_PAGE);
      const flash = req.query.saved === 'calendar' ? ctx.t('policy_saved') : req.query.saved === 'unchanged' ? ctx.t('policy_unchanged') : req.query.saved ? ctx.t('saved') : undefined;
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
        if (!(await db.department.findUnique({ where: { id: parsed.data.departmentId } }))) errors.departmentId = `no department "${parsed.data.departmentId}"`;
        if (await db.person.findFirst({ where: { OR: [{ id: parsed.data.id }, { email: parsed.data.email }] } })) errors.id = 'a person with this id or e-mail exists';
      }
      if (!parsed.success || Object.keys(errors).length) return void res.status(422).type('html').send(await render(ctx, { person: { values, errors } }, 422));
      await db.person.create({ data: parsed.data });
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
      if (!(await db.person.findUnique({ where: { id } }))) throw new HttpError(404, 'not_found', `Person ${id} not found`);
      await db.person.update({ where: { id }, data: { active: req.body?.active === 'true' } });
      res.redirect(303, '/admin?saved=person');
    }),
  );

  router.post(
    '/admin/people/:id/account',
    ...kit.form,
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, ADMIN_ROLES);
      const p = await db.person.findUnique({ where: { id: String(req.params.id) } });
      if (!p?.active) throw new HttpError(404, 'not_found', `Active person ${req.params.id} not found`);
      const password = randomPassword();
      await auth.setPassword(p.id, password, true);
      // Shown once, on this answer only (not a redirect: it must not land in a URL or history).
      res.set('Cache-Control', 'no-store').type('html').send(await render(ctx, { flash: `${ctx.t('one_time_password')} ${p.name} <${p.email}>: ${password}` }));
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
      const r = await ensurePolicy(db, kit.policyName, { ...current, calendar: parsed.data });
      res.redirect(303, `/admin?saved=${r.created ? 'calendar' : 'unchanged'}`);
    }),
  );
}
