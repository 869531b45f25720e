/** New complaint: the intake form generated from createComplaintBody, validated by the same schema, errors next to the fields. */
import type { Router } from 'express';
import { HttpError } from '../../api/errors';
import { INTAKE_ROLES } from '../../api/roles';
import { createComplaintBody } from '../../api/schemas';
import { html } from '../html';
import { message, readForm, renderObjectFields, zodErrors, type FieldErrors, type FormValues } from '../forms';
import { page, type Ctx } from '../layout';
import type { WebKit } from '../index';

export function newComplaintPages(router: Router, kit: WebKit): void {
  const render = async (ctx: Ctx, values: FormValues, errors: FieldErrors, general?: string) => {
    const { t } = ctx;
    const [departments, salesReps] = await Promise.all([
      kit.db.department.findMany({ orderBy: { code: 'asc' } }),
      kit.db.person.findMany({ where: { role: 'sales', active: true }, select: { id: true, name: true }, orderBy: { id: 'asc' } }),
    ]);
    const fields = renderObjectFields(createComplaintBody, [], { t, tz: ctx.tz, departments, salesReps, values, errors });
    const hasErr = Object.keys(errors).length > 0 || !!general;
    return page(
      ctx,
      t,
      t('new_complaint'),
      html`${hasErr ? html`<p class="flash flash-error" role="alert">${general ?? t('fix_errors')}</p>` : ''}
<form method="post" action="/cases/new" class="card stack" novalidate>
${fields}
<div><button type="submit">${t('submit')}</button></div>
</form>`,
    );
  };

  router.get(
    '/cases/new',
    kit.handle(async (_req, res, ctx) => {
      kit.requireRoles(ctx, INTAKE_ROLES);
      const defaults: FormValues = { sampleExpected: 'true', ...(ctx.me.role === 'sales' ? { salesRepId: ctx.me.id } : {}) };
      res.type('html').send(await render(ctx, defaults, {}));
    }),
  );

  router.post(
    '/cases/new',
    ...kit.form,
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, INTAKE_ROLES);
      const { t } = ctx;
      const body = (req.body ?? {}) as FormValues;
      const { data, values } = readForm(createComplaintBody, body, ctx.tz);
      const parsed = createComplaintBody.safeParse(data);
      if (!parsed.success) {
        res.status(422).type('html').send(await render(ctx, values, zodErrors(parsed.error, t)));
        return;
      }
      try {
        const out = await kit.cases.create(parsed.data);
        res.redirect(303, `/cases/${encodeURIComponent(out.case.caseNo)}?created=1`);
      } catch (err) {
        if (err instanceof HttpError && err.errors.length) {
          const errors: FieldErrors = {};
          for (const e of err.errors) errors[e.field] = message(e.reason, t);
          res.status(err.status).type('html').send(await render(ctx, values, errors));
          return;
        }
        if (err instanceof HttpError) {
          res.status(err.status).type('html').send(await render(ctx, values, {}, err.message));
          return;
        }
        throw err;
      }
    }),
  );
}
