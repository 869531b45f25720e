/** New complaint: the intake form generated from createComplaintBody, validated by the same schema, errors next to the fields. */
import type { Router } from 'express';
import { HttpError } from '../../api/errors';
import { INTAKE_ROLES } from '../../api/roles';
import { createComplaintBody } from '../../api/schemas';
import { ACCEPT, ALLOWED_TEXT, checkFile, cleanFileName, type AttachmentLimits, type CheckedFile } from '../../api/services/attachments';
import { html, raw, type SafeHtml } from '../html';
import type { T } from '../i18n';
import { message, readForm, renderObjectFields, zodErrors, type FieldErrors, type FormValues } from '../forms';
import { page, type Ctx } from '../layout';
import type { WebKit } from '../index';

/** The file input (photos, customer documents) with its limits and, after a refusal, its message. */
export function filesField(t: T, id: string, limits: AttachmentLimits, error?: string, again = false): SafeHtml {
  const mb = Math.round((limits.maxBytes / 1024 / 1024) * 10) / 10;
  return html`<div class="field${error ? ' has-err' : ''}"><label for="${id}">${t('attach_files')}</label>
<small class="hint" id="${id}-hint">${limits.maxFiles} ${t('attach_limits')} ${mb} MB · ${ALLOWED_TEXT}${again ? html` · ${t('attach_again')}` : ''}</small>
<input type="file" id="${id}" name="files" multiple accept="${ACCEPT}" aria-describedby="${id}-hint${error ? ` ${id}-err` : ''}"${error ? raw(' aria-invalid="true"') : ''}>${error ? html`<p class="err" id="${id}-err">${error}</p>` : ''}</div>`;
}

/** Check each uploaded file; the first refusal as the field's message (in the page's language). */
export function checkUploads(files: { fileName: string; claimedType: string | null; bytes: Buffer }[], limits: AttachmentLimits, t?: T): { files: CheckedFile[]; error?: string; status?: number } {
  const out: CheckedFile[] = [];
  for (const f of files) {
    try {
      out.push(checkFile(f, limits));
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      const name = cleanFileName(f.fileName);
      const mb = Math.round((limits.maxBytes / 1024 / 1024) * 10) / 10;
      const zh: Record<string, string> = {
        unsupported_type: `${name}：不接受此类文件；可接受：${ALLOWED_TEXT}`,
        file_too_large: `${name}：超过每个文件 ${mb} MB 的上限`,
        empty_file: `${name}：文件为空`,
      };
      const msg = t?.lang === 'zh' && zh[err.code] ? zh[err.code]! : (err.errors[0]?.reason ?? err.message);
      return { files: [], error: msg, status: err.status };
    }
  }
  return { files: out };
}

export function newComplaintPages(router: Router, kit: WebKit): void {
  const render = async (ctx: Ctx, values: FormValues, errors: FieldErrors, general?: string, filesChosen = false) => {
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
<form method="post" action="/cases/new" class="card stack" enctype="multipart/form-data" novalidate>
${fields}
${filesField(t, 'f-files', kit.attachmentLimits, errors.files, filesChosen && hasErr)}
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
    ...kit.upload,
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, INTAKE_ROLES);
      const { t } = ctx;
      const body = (req.body ?? {}) as FormValues;
      const { data, values } = readForm(createComplaintBody, body, ctx.tz);
      const parsed = createComplaintBody.safeParse(data);
      const uploads = req.upload?.files ?? [];
      // Files are checked before anything is recorded: a refused file refuses the whole intake.
      const checked = checkUploads(uploads, kit.attachmentLimits, t);
      if (!parsed.success || checked.error) {
        const errors = parsed.success ? {} : zodErrors(parsed.error, t);
        if (checked.error) errors.files = checked.error;
        res.status(parsed.success ? checked.status! : 422).type('html').send(await render(ctx, values, errors, undefined, uploads.length > 0));
        return;
      }
      try {
        const out = await kit.cases.create(parsed.data, undefined, { attachments: checked.files, uploadedBy: ctx.me.id });
        res.redirect(303, `/cases/${encodeURIComponent(out.case.caseNo)}?created=1`);
      } catch (err) {
        if (err instanceof HttpError && err.errors.length) {
          const errors: FieldErrors = {};
          for (const e of err.errors) errors[e.field] = message(e.reason, t);
          res.status(err.status).type('html').send(await render(ctx, values, errors, undefined, uploads.length > 0));
          return;
        }
        if (err instanceof HttpError) {
          res.status(err.status).type('html').send(await render(ctx, values, {}, err.message, uploads.length > 0));
          return;
        }
        throw err;
      }
    }),
  );
}
