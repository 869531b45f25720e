/**
 * The case page: header and every clock; the step the signed-in person may record now, as a
 * form generated from the step's zod schema and posted to the same Temporal update as the API;
 * countermeasures with their implementation forms; the extension form; what was recorded;
 * the timeline; documents and e-mails; similar past cases.
 */
import type { Request, Response, Router } from 'express';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import { fromUpdateFailure, HttpError } from '../../api/errors';
import { CASE_WORKER_ROLES } from '../../api/roles';
import { caseNoParam } from '../../api/schemas';
import { HUMAN_STEPS, RPR_STEP_ROLES, requestSchemas, SIGNED_RPR_STEPS, SIGNED_STEPS, STEP_ROLES, rprStepSchemas, type RprStep, stepSchemas, type HumanStep } from '../../workflows/steps';
import type { Actor, Extension, PersonRole } from '../../workflows/types';
import { message, orphanErrors, readForm, renderField, renderObjectFields, zodErrors, type FieldErrors, type FormCtx, type FormValues } from '../forms';
import { attr, html, raw, type SafeHtml } from '../html';
import type { T } from '../i18n';
import { countdown, fmtTime, page, type Ctx } from '../layout';
import { caseDataOf, mayRecordStep, similarCases } from '../queries';
import type { WebKit } from '../index';
import { addAttachments } from '../../api/services/attachments';
import { ATTACHMENT_ROLES } from '../../api/routes/attachments';
import { checkUploads, filesField } from './new';

interface FormState {
  values: FormValues;
  errors: FieldErrors;
  general?: string;
}
interface PageState {
  step?: FormState;
  ext?: FormState;
  impl?: FormState & { ref: string };
  rpr?: FormState;
  dismiss?: FormState;
  comp?: FormState;
  compDecision?: FormState;
  attach?: FormState;
  flash?: string;
}

/** A refused change → messages by field (data path) and a general message. */
function refusal(err: unknown, t: T): { status: number; state: FormState } {
  let e: HttpError;
  if (err instanceof HttpError) e = err;
  else if (err instanceof WorkflowUpdateFailedError) e = fromUpdateFailure(err);
  else throw err;
  const errors: FieldErrors = {};
  for (const fe of e.errors) {
    const key = fe.field.replace(/^data\.?/, '') || '_';
    errors[key] = message(fe.reason, t);
  }
  if (e.code === 'reauthentication_failed' || e.code === 'account_locked') errors.password = e.message;
  const general = `${e.status} · ${e.message}`;
  return { status: e.status, state: { values: {}, errors, general } };
}

/** The signed-in person as the workflow sees them (loaded and checked active on this request). */
const actorFrom = (ctx: Ctx): Actor => ({ id: ctx.me.id, role: ctx.me.role as PersonRole, departmentId: ctx.me.departmentId, name: ctx.me.name });

const isIso = (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s);

function valueHtml(v: unknown, t: T, tz: string, depts: Map<string, string>, key = ''): SafeHtml {
  if (v === null || v === undefined || v === '') return html`<span class="muted">—</span>`;
  if (typeof v === 'boolean') return html`${v ? t('yes') : t('no')}`;
  if (typeof v === 'number') return html`${v}`;
  if (typeof v === 'string') {
    if (depts.has(v)) return html`${depts.get(v)}`; // department and person ids → names
    if (isIso(v)) return html`${fmtTime(v, tz)}`;
    if (/^[a-z_]{2,30}$/.test(v)) return html`${t.enum(v)}`;
    return html`<span class="pre">${v}</span>`;
  }
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x !== 'object' || x === null)) return html`${v.map((x) => String(x)).join('、')}`;
    return html`<ol>${v.map((x) => html`<li>${valueHtml(x, t, tz, depts)}</li>`)}</ol>`;
  }
  if (typeof v === 'object') {
    return html`<dl class="facts">${Object.entries(v as Record<string, unknown>).map(
      ([k, x]) => html`<dt>${t.field(k)}</dt><dd>${valueHtml(x, t, tz, depts, k)}</dd>`,
    )}</dl>`;
  }
  return html`${String(v)}`;
}

function passwordField(t: T, id: string, s: FormState | undefined): SafeHtml {
  const e = s?.errors.password;
  return html`<div class="field${e ? ' has-err' : ''}"><label for="${id}">${t.field('password')}</label><small class="hint">${t('signed_step')}</small><input type="password" id="${id}" name="password" autocomplete="current-password" required${e ? raw(` aria-invalid="true" aria-describedby="${id}-err"`) : ''}>${e ? html`<p class="err" id="${id}-err">${e}</p>` : ''}</div>`;
}

const generalError = (s: FormState | undefined) => (s?.general ? html`<p class="flash flash-error" role="alert">${s.general}</p>` : '');

export function casePages(router: Router, kit: WebKit): void {
  const { db } = kit;

  /** The case; `open`: somebody is looking at it, so its workflow is warmed up for the step that may follow. */
  async function load(caseNo: string, open = false) {
    const p = caseNoParam.safeParse({ caseNo });
    if (!p.success) throw new HttpError(404, 'not_found', `Case ${caseNo} not found`);
    return open ? kit.cases.open(caseNo) : kit.cases.get(caseNo);
  }

  async function render(req: Request, res: Response, ctx: Ctx, caseNo: string, state: PageState = {}, status = 200) {
    const { t, tz, me } = ctx;
    const c = await load(caseNo, true);
    const [events, docs, mails, people, departments, similar, attachments] = await Promise.all([
      db.caseEvent.findMany({ where: { caseId: c.id }, orderBy: [{ at: 'asc' }, { seq: 'asc' }], select: { at: true, kind: true, actor: true, data: true, seq: true } }),
      db.caseDocument.findMany({
        where: { caseId: c.id },
        select: { kind: true, version: true, fileName: true, sha256: true, size: true, trigger: true, language: true, createdAt: true },
        orderBy: [{ kind: 'asc' }, { version: 'asc' }],
      }),
      db.mailMessage.findMany({ where: { caseId: c.id }, orderBy: { createdAt: 'asc' } }),
      db.person.findMany({ select: { id: true, name: true } }),
      db.department.findMany({ orderBy: { code: 'asc' } }),
      similarCases(db, c),
      db.caseAttachment.findMany({
        where: { caseId: c.id },
        select: { id: true, fileName: true, mimeType: true, size: true, sha256: true, note: true, uploadedBy: true, createdAt: true },
        orderBy: { createdAt: 'asc' },
      }),
    ]);
    const names = new Map(people.map((p) => [p.id, p.name]));
    const depts = new Map(departments.map((d) => [d.id, t.lang === 'en' && d.nameEn ? d.nameEn : d.name]));
    const labels = new Map([...depts, ...names]);
    const d = caseDataOf(c.data);
    const open = c.status === 'open';
    const now = Date.now();
    const openClocks = c.clocks.filter((k) => !k.outcome);
    const base = `/cases/${encodeURIComponent(c.caseNo)}`;
    const formCtx = (s?: FormState): FormCtx => ({ t, tz, departments, values: s?.values ?? {}, errors: s?.errors ?? {} });

    // ---- header
    const header = html`<section class="card" aria-labelledby="sec-facts-h"><h2 id="sec-facts-h" class="sr-only" hidden>${c.caseNo}</h2>
<dl class="facts">
  <dt>${t('customer')}</dt><dd>${c.customerName}${c.customerContact ? html` <span class="muted">· ${c.customerContact}</span>` : ''}</dd>
  <dt>${t('product')}</dt><dd>${c.product}${c.lot ? html` · ${c.lot}` : ''}${c.quantity ? html` · ${c.quantity}` : ''}</dd>
  <dt>${t('severity')}</dt><dd><span class="pill ${c.severity}">${t.enum(c.severity)}</span> · ${t.enum(c.category)} · ${t.enum(c.origin)}</dd>
  <dt>${t('status')}</dt><dd><strong>${t.enum(c.status)}</strong>${c.resolution ? html` (${t.enum(c.resolution)})` : ''} · ${t('step')}: <strong>${t.enum(c.step)}</strong></dd>
  <dt>${t('sales_rep')}</dt><dd>${c.salesRep.name}</dd>
  <dt>${t('received')}</dt><dd>${fmtTime(c.receivedAt, tz)} · ${t.enum(c.channel)}</dd>
  <dt>${t('description')}</dt><dd>${c.description}</dd>
</dl>
<p><a href="/api/complaints/${encodeURIComponent(c.caseNo)}/report.pdf">${t('report_pdf')}</a> · <a href="/api/complaints/${encodeURIComponent(c.caseNo)}/8d.pdf">8D (PDF)</a> · <a href="/api/complaints/${encodeURIComponent(c.caseNo)}">${t('raw_api')}</a></p>
</section>`;

    // ---- clocks
    const clockRows = c.clocks.map((k) => {
      const ext = (k.extensions as unknown as Extension[]) ?? [];
      return html`<tr id="${k.clockId}">
  <td data-label="${t('clock')}">${t.enum(k.clock)}${k.clockId !== k.clock ? html` <span class="muted">${k.clockId}</span>` : ''}</td>
  <td data-label="${t('owner')}">${t.enum(k.ownerRole)}${k.ownerDeptId ? html` · ${depts.get(k.ownerDeptId) ?? k.ownerDeptId}` : ''}</td>
  <td data-label="${t('due')}">${k.outcome ? html`<time datetime="${k.dueAt.toISOString()}">${fmtTime(k.dueAt, tz)}</time>` : countdown(t, k.dueAt, k.startedAt, tz)}</td>
  <td data-label="${t('outcome')}">${k.outcome ? html`<span class="badge ${k.outcome === 'missed' ? 'b-bad' : k.outcome === 'cancelled' ? '' : 'b-ok'}">${t.enum(k.outcome)}</span> <span class="muted">${fmtTime(k.stoppedAt, tz)}</span>` : '—'}</td>
  <td data-label="${t('late_reason')}">${k.lateReason ?? ''}</td>
  <td data-label="${t('extensions')}">${ext.length
        ? html`<ul>${ext.map((x) => html`<li>${fmtTime(x.fromDueAt, tz)} → ${fmtTime(x.toDueAt, tz)}: ${x.reason} <span class="muted">(${x.consent.by}, ${t.enum(x.consent.method)}, ${fmtTime(x.consent.at, tz)})</span></li>`)}</ul>`
        : ''}</td>
</tr>`;
    });
    const clocks = html`<section aria-labelledby="sec-clocks"><h2 id="sec-clocks">${t('clocks')}</h2>
<div class="table-wrap"><table class="stack-sm"><thead><tr><th scope="col">${t('clock')}</th><th scope="col">${t('owner')}</th><th scope="col">${t('due')}</th><th scope="col">${t('outcome')}</th><th scope="col">${t('late_reason')}</th><th scope="col">${t('extensions')}</th></tr></thead>
<tbody>${clockRows}</tbody></table></div></section>`;

    // ---- the step form
    let stepSection: SafeHtml;
    if (!open) stepSection = html`<p class="muted">${t('case_closed')}</p>`;
    else if (c.step in stepSchemas && mayRecordStep(me, c)) {
      const step = c.step as HumanStep;
      const s = state.step;
      const fc = formCtx(s);
      const fields = renderField(stepSchemas[step], [], fc);
      const overdue = openClocks.some((k) => k.dueAt.getTime() < now);
      const signed = !!SIGNED_STEPS[step];
      const extra = html`${overdue || s?.errors.lateReason
        ? html`<div class="field${s?.errors.lateReason ? ' has-err' : ''}"><label for="f-lateReason">${t.field('lateReason')}</label><textarea id="f-lateReason" name="lateReason" rows="2"${s?.errors.lateReason ? raw(' aria-invalid="true" aria-describedby="f-lateReason-err"') : ''}>${s?.values.lateReason ?? ''}</textarea>${s?.errors.lateReason ? html`<p class="err" id="f-lateReason-err">${s.errors.lateReason}</p>` : ''}</div>`
        : ''}
${signed
  ? html`<div class="field${s?.errors.password ? ' has-err' : ''}"><label for="f-password">${t.field('password')}</label><small class="hint">${t('signed_step')}</small><input type="password" id="f-password" name="password" autocomplete="current-password" required${s?.errors.password ? raw(' aria-invalid="true" aria-describedby="f-password-err"') : ''}>${s?.errors.password ? html`<p class="err" id="f-password-err">${s.errors.password}</p>` : ''}</div>`
  : ''}`;
      const rendered = fields.value + extra.value;
      const orphans = s ? orphanErrors(Object.fromEntries(Object.entries(s.errors).filter(([k]) => k !== 'lateReason' && k !== 'password')), rendered) : [];
      stepSection = html`<form method="post" action="${base}/steps/${step}" class="card stack" novalidate id="step-form">
${s?.general || orphans.length ? html`<div class="flash flash-error" role="alert"><p>${s?.general ?? t('fix_errors')}</p>${orphans.length ? html`<ul>${orphans.map((o) => html`<li>${o}</li>`)}</ul>` : ''}</div>` : ''}
${fields}${extra}
<div><button type="submit">${t('record')}: ${t.enum(step)}</button></div>
</form>`;
    } else stepSection = html`<p class="muted">${t('not_your_step')} (${t.enum(c.step)})</p>`;

    // ---- countermeasures
    const cms = d.countermeasures ?? [];
    const mayImplement = (ownerDept: string) => me.role === 'qa_engineer' || (me.role === 'department_owner' && me.departmentId === ownerDept);
    const cmRows = cms.map((m) => {
      const clock = c.clocks.find((k) => k.clockId === `countermeasure:${m.ref}`);
      const s = state.impl?.ref === m.ref ? state.impl : undefined;
      const late = clock && !clock.outcome && clock.dueAt.getTime() < now;
      const form =
        open && m.status === 'open' && mayImplement(m.ownerDepartmentId)
          ? html`<details${attr('open', !!s)}><summary>${t('implementation')}</summary>
<form method="post" action="${base}/countermeasures/${m.ref}" class="stack" novalidate>
${s?.general ? html`<p class="flash flash-error" role="alert">${s.general}</p>` : ''}
${renderObjectFields(requestSchemas.implementation, [], { ...formCtx(s), idPrefix: `${m.ref}-` })}
${late || s?.errors.lateReason ? html`<div class="field"><label for="f-${m.ref}-lateReason">${t.field('lateReason')}</label><textarea id="f-${m.ref}-lateReason" name="lateReason" rows="2">${s?.values.lateReason ?? ''}</textarea>${s?.errors.lateReason ? html`<p class="err">${s.errors.lateReason}</p>` : ''}</div>` : ''}
<div><button type="submit">${t('record')} ${m.ref}</button></div></form></details>`
          : '';
      return html`<tr>
  <td data-label="${t('ref')}">${m.ref}</td>
  <td data-label="${t('kind')}">${t.enum(m.kind)}</td>
  <td data-label="${t('action')}">${m.action}${form}</td>
  <td data-label="${t('department')}">${depts.get(m.ownerDepartmentId) ?? m.ownerDepartmentId}</td>
  <td data-label="${t('due_at')}">${clock && !clock.outcome ? countdown(t, clock.dueAt, clock.startedAt, tz) : fmtTime(m.dueAt, tz)}</td>
  <td data-label="${t('status')}">${t.enum(m.status)}${m.implementedAt ? html` <span class="muted">${fmtTime(m.implementedAt, tz)}</span>` : ''}</td>
  <td data-label="${t('effect')}">${m.effect ?? ''}</td>
</tr>`;
    });
    const countermeasures = cms.length
      ? html`<section aria-labelledby="sec-cm"><h2 id="sec-cm">${t('countermeasures')}</h2><div class="table-wrap"><table class="stack-sm"><thead><tr><th scope="col">${t('ref')}</th><th scope="col">${t('kind')}</th><th scope="col">${t('action')}</th><th scope="col">${t('department')}</th><th scope="col">${t('due_at')}</th><th scope="col">${t('status')}</th><th scope="col">${t('effect')}</th></tr></thead><tbody>${cmRows}</tbody></table></div></section>`
      : '';

    // ---- extension
    const extendable = openClocks.filter((k) => k.dueAt.getTime() > now);
    let extension: SafeHtml = raw('');
    if (open && extendable.length && (CASE_WORKER_ROLES as readonly string[]).includes(me.role)) {
      const s = state.ext;
      const fc = formCtx(s);
      const cid = s?.values.clockId;
      extension = html`<section aria-labelledby="sec-ext"><details${attr('open', !!s)} class="card"><summary><h2 id="sec-ext" style="display:inline">${t('extend')}</h2></summary>
<form method="post" action="${base}/extensions" class="stack" novalidate>
${s?.general ? html`<p class="flash flash-error" role="alert">${s.general}</p>` : ''}
<div class="field${s?.errors.clockId ? ' has-err' : ''}"><label for="f-ext-clockId">${t.field('clockId')}</label><select id="f-ext-clockId" name="clockId" required>${extendable.map(
        (k) => html`<option value="${k.clockId}"${attr('selected', cid === k.clockId)}>${t.enum(k.clock)} ${k.clockId} · ${fmtTime(k.dueAt, tz)}</option>`,
      )}</select>${s?.errors.clockId ? html`<p class="err">${s.errors.clockId}</p>` : ''}</div>
${renderObjectFields(requestSchemas.extendDeadline, [], fc, ['clockId'])}
<div><button type="submit">${t('save')}</button></div></form></details></section>`;
    }

    // ---- Recurrence Prevention Report (serious cases) — live state from its workflow
    const rprState = d.rpr ? await kit.steps.rprHandle(c.caseNo).then((r) => r.state).catch(() => null) : null;
    let rprSection: SafeHtml = raw('');
    if (d.rpr) {
      const step = rprState?.step ?? d.rpr.step;
      const s = state.rpr;
      const mine = step in rprStepSchemas && RPR_STEP_ROLES[step as RprStep].includes(me.role as never);
      const form = mine
        ? html`<form method="post" action="${base}/rpr/${step}" class="card stack" novalidate id="rpr-form">${generalError(s)}
${renderField(rprStepSchemas[step as RprStep], [], { ...formCtx(s), idPrefix: 'rpr-' })}
${SIGNED_RPR_STEPS[step as RprStep] ? passwordField(t, 'f-rpr-password', s) : ''}
<div><button type="submit">${t('record')}: ${t('rpr')} · ${t.enum('rpr_' + step)}</button></div></form>`
        : '';
      rprSection = html`<section aria-labelledby="sec-rpr"><h2 id="sec-rpr">${t('rpr')} · ${t.enum('rpr_' + step)}</h2>
${rprState && Object.keys(rprState.data).length ? html`<div class="card">${valueHtml(rprState.data, t, tz, labels)}</div>` : ''}${form}</section>`;
    }

    // ---- compensation (理赔): the claim, and the decision by the role the authority matrix names
    const comp = (d.compensation ?? null) as (Record<string, unknown> & { requiredRole?: string; decision?: string }) | null;
    let compensation: SafeHtml = raw('');
    if (comp || (open && ['sales', 'qa_manager'].includes(me.role))) {
      const s = state.comp;
      const sd = state.compDecision;
      const decide = open && comp && !comp.decision && comp.requiredRole === me.role;
      compensation = html`<section aria-labelledby="sec-comp"><details class="card"${attr('open', !!(s || sd || comp))}><summary><h2 id="sec-comp" style="display:inline">${t('compensation')}</h2></summary>
${comp ? valueHtml(comp, t, tz, labels) : ''}
${decide
  ? html`<form method="post" action="${base}/compensation/decision" class="stack" novalidate>${generalError(sd)}
${renderObjectFields(requestSchemas.compensationDecision, [], { ...formCtx(sd), idPrefix: 'cd-' })}${passwordField(t, 'f-cd-password', sd)}
<div><button type="submit">${t('save')}</button></div></form>`
  : ''}
${!comp && open
  ? html`<form method="post" action="${base}/compensation" class="stack" novalidate>${generalError(s)}
${renderObjectFields(requestSchemas.compensation, [], { ...formCtx(s ?? { values: { currency: 'CNY' }, errors: {} }), idPrefix: 'comp-' })}
<div><button type="submit">${t('save')}</button></div></form>`
  : ''}</details></section>`;
    }

    // ---- dismissal (QA manager, signed)
    let dismissal: SafeHtml = raw('');
    if (open && me.role === 'qa_manager') {
      const s = state.dismiss;
      dismissal = html`<section aria-labelledby="sec-dis"><details class="card"${attr('open', !!s)}><summary><h2 id="sec-dis" style="display:inline">${t('dismissal')}</h2></summary>
<form method="post" action="${base}/dismissal" class="stack" novalidate>${generalError(s)}
${renderObjectFields(requestSchemas.dismiss, [], { ...formCtx(s), idPrefix: 'dis-' })}
${passwordField(t, 'f-dis-password', s)}
<div><button type="submit" class="danger">${t('dismissal')}</button></div></form></details></section>`;
    }

    // ---- recorded data
    const order = (k: string) => (HUMAN_STEPS.indexOf(k as HumanStep) + 100) % 100;
    const recorded = Object.entries(d.data ?? {})
      .filter(([, v]) => v)
      .sort(([a], [b]) => order(a) - order(b));
    const record = recorded.length
      ? html`<section aria-labelledby="sec-rec"><h2 id="sec-rec">${t('record_data')}</h2><div class="grid">${recorded.map(
          ([step, v]) => html`<div class="card"><h3>${t.enum(step)}</h3>${valueHtml(v, t, tz, labels)}</div>`,
        )}</div></section>`
      : '';

    // ---- timeline
    const summary = (kind: string, data: Record<string, unknown>) => {
      if (kind === 'step_completed' || kind === 'step_entered') return t.enum(String(data.step ?? ''));
      if (kind === 'clock_stopped') return `${data.clockId} · ${t.enum(String(data.outcome ?? ''))}${data.lateReason ? ` · ${data.lateReason}` : ''}`;
      if (kind === 'deadline_extended') return `${data.clockId} → ${fmtTime(String(data.toDueAt ?? ''), tz)}`;
      if (kind === 'document_issued') return `${data.kind ?? ''} v${data.version ?? ''}`;
      if (kind === 'attachment_added') return `${data.fileName ?? ''} · SHA-256 ${String(data.sha256 ?? '').slice(0, 12)}…`;
      return '';
    };
    const timeline = html`<section aria-labelledby="sec-tl"><h2 id="sec-tl">${t('timeline')}</h2><ol class="timeline card">${events.map((e) => {
      const data = (e.data ?? {}) as Record<string, unknown>;
      return html`<li><span class="when">${fmtTime(e.at, tz)}</span> <strong>${e.kind}</strong> ${summary(e.kind, data)} <span class="muted">· ${names.get(e.actor) ?? e.actor}</span>
<details><summary>${t('details')}</summary><pre>${JSON.stringify(data, null, 2)}</pre></details></li>`;
    })}</ol></section>`;

    // ---- attachments: every file with its SHA-256, a download link and who added it; the upload form while the case is not closed
    const fmtSize = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} B`);
    const mayAttach = c.status !== 'closed' && (ATTACHMENT_ROLES as readonly string[]).includes(me.role);
    const sa = state.attach;
    const attachmentSection = html`<section aria-labelledby="sec-att"><h2 id="sec-att">${t('attachments')} <span class="muted">(${attachments.length})</span></h2>
<div class="table-wrap"><table class="stack-sm attachments"><thead><tr><th scope="col">${t('file')}</th><th scope="col">${t('type')}</th><th scope="col">${t('size')}</th><th scope="col">SHA-256</th><th scope="col">${t('uploaded_by')}</th><th scope="col">${t('when')}</th></tr></thead><tbody>${
      attachments.length
        ? attachments.map(
            (a) => html`<tr data-attachment="${a.id}"><td data-label="${t('file')}"><a href="/api/complaints/${encodeURIComponent(c.caseNo)}/attachments/${a.id}" download="${a.fileName}">${a.fileName}</a>${a.note ? html`<br><span class="muted">${a.note}</span>` : ''}</td>
<td data-label="${t('type')}">${a.mimeType}</td><td data-label="${t('size')}">${fmtSize(a.size)}</td><td data-label="SHA-256"><code class="hash">${a.sha256}</code></td>
<td data-label="${t('uploaded_by')}">${names.get(a.uploadedBy) ?? a.uploadedBy}</td><td data-label="${t('when')}">${fmtTime(a.createdAt, tz)}</td></tr>`,
          )
        : html`<tr><td colspan="6">${t('nothing')}</td></tr>`
    }</tbody></table></div>
${mayAttach
  ? html`<form method="post" action="${base}/attachments" class="card stack" enctype="multipart/form-data" novalidate id="attach-form">${generalError(sa)}
${filesField(t, 'f-att-files', kit.attachmentLimits, sa?.errors.files)}
<div class="field"><label for="f-att-note">${t('note_optional')}</label><input type="text" id="f-att-note" name="note" maxlength="1000" value="${sa?.values.note ?? ''}"></div>
<div><button type="submit">${t('upload')}</button></div></form>`
  : ''}</section>`;

    // ---- documents and mails
    const documents = html`<section aria-labelledby="sec-docs"><h2 id="sec-docs">${t('documents')}</h2><div class="table-wrap"><table class="stack-sm"><thead><tr><th scope="col">${t('kind')}</th><th scope="col">${t('version')}</th><th scope="col">${t('when')}</th><th scope="col">SHA-256</th><th scope="col">${t('download')}</th></tr></thead><tbody>${
      docs.length
        ? docs.map(
            (x) => html`<tr><td data-label="${t('kind')}">${x.kind}</td><td data-label="${t('version')}">v${x.version} <span class="muted">${x.trigger} · ${x.language}</span></td><td data-label="${t('when')}">${fmtTime(x.createdAt, tz)}</td><td data-label="SHA-256"><code>${x.sha256.slice(0, 12)}…</code></td>
<td data-label="${t('download')}"><a href="/api/complaints/${encodeURIComponent(c.caseNo)}/documents/${x.kind}/${x.version}">${x.fileName}</a> <span class="muted">${Math.round(x.size / 1024)} KB</span></td></tr>`,
          )
        : html`<tr><td colspan="5">${t('nothing')}</td></tr>`
    }</tbody></table></div></section>`;
    const mailList = html`<section aria-labelledby="sec-mails"><h2 id="sec-mails">${t('mails')}</h2><div class="table-wrap"><table class="stack-sm"><thead><tr><th scope="col">${t('sent_at')}</th><th scope="col">${t('kind')}</th><th scope="col">${t('recipients')}</th><th scope="col">${t('subject')}</th><th scope="col">${t('status')}</th></tr></thead><tbody>${
      mails.length
        ? mails.map(
            (m) => html`<tr><td data-label="${t('sent_at')}">${fmtTime(m.sentAt ?? m.createdAt, tz)}</td><td data-label="${t('kind')}">${m.kind}</td><td data-label="${t('recipients')}">${m.to.join(', ')}</td><td data-label="${t('subject')}">${m.subject}</td><td data-label="${t('status')}">${m.status}</td></tr>`,
          )
        : html`<tr><td colspan="5">${t('nothing')}</td></tr>`
    }</tbody></table></div></section>`;

    // ---- similar cases
    const similarSection = html`<section aria-labelledby="sec-sim"><h2 id="sec-sim">${t('similar')}</h2>${
      similar.length
        ? html`<div class="grid">${similar.map(
            (s) => html`<div class="card"><h3><a href="/cases/${encodeURIComponent(s.caseNo)}">${s.caseNo}</a> <span class="muted">${fmtTime(s.receivedAt, tz)}</span></h3>
<p>${s.customerName} · ${s.product}${s.phenomenon ? html` · <strong>${s.phenomenon}</strong>` : ''} · ${t.enum(s.status)}</p>
${s.causes.length ? html`<p><strong>${t('causes')}:</strong></p><ul>${s.causes.map((x) => html`<li>${x}</li>`)}</ul>` : ''}
${s.countermeasures.length ? html`<p><strong>${t('countermeasures')}:</strong></p><ul>${s.countermeasures.map((m) => html`<li>${m.ref} ${m.action}${m.effect ? html` — <span class="muted">${m.effect}</span>` : ''}</li>`)}</ul>` : ''}</div>`,
          )}</div>`
        : html`<p class="muted">${t('no_similar')}</p>`
    }</section>`;

    const flash = state.flash ?? (req.query.created ? `${t('case_created')} ${c.caseNo}` : req.query.done ? t('saved') : undefined);
    const body = html`${header}
<section aria-labelledby="sec-step-h"><h2 id="sec-step-h">${open ? html`${t('your_step')}: ${t.enum(c.step)}` : t('case_closed')}</h2>${open ? stepSection : ''}</section>
${clocks}
${attachmentSection}
${countermeasures}
${rprSection}
${extension}
${compensation}
${dismissal}
${record}
${timeline}
${documents}
${mailList}
${similarSection}`;
    res.status(status).type('html').send(page(ctx, t, `${c.caseNo} · ${c.customerName}`, body, { flash, flashKind: 'ok' }));
  }

  router.get(
    '/cases/:caseNo',
    kit.handle(async (req, res, ctx) => render(req, res, ctx, String(req.params.caseNo))),
  );

  router.post(
    '/cases/:caseNo/steps/:step',
    ...kit.form,
    kit.handle(async (req, res, ctx) => {
      const caseNo = String(req.params.caseNo);
      const step = String(req.params.step);
      if (!(step in stepSchemas)) throw new HttpError(404, 'not_found', `No step ${step}`);
      kit.requireRoles(ctx, STEP_ROLES[step as HumanStep]);
      const schema = stepSchemas[step as HumanStep];
      const body = (req.body ?? {}) as FormValues;
      const { data, values } = readForm(schema, body, ctx.tz);
      values.lateReason = body.lateReason;
      const parsed = (schema as z.ZodType).safeParse(data);
      const errors: FieldErrors = parsed.success ? {} : zodErrors(parsed.error, ctx.t);
      const password = typeof body.password === 'string' ? body.password : undefined;
      if (SIGNED_STEPS[step as HumanStep] && !password) errors.password = message('is required', ctx.t);
      if (Object.keys(errors).length) return render(req, res, ctx, caseNo, { step: { values, errors } }, 422);
      const lateReason = typeof body.lateReason === 'string' && body.lateReason.trim() ? body.lateReason.trim() : undefined;
      try {
        const who = actorFrom(ctx);
        await kit.steps.completeStep(caseNo, step as HumanStep, who, { data: parsed.data, lateReason, password });
      } catch (err) {
        const r = refusal(err, ctx.t);
        return render(req, res, ctx, caseNo, { step: { ...r.state, values } }, r.status);
      }
      res.redirect(303, `/cases/${encodeURIComponent(caseNo)}?done=${encodeURIComponent(step)}`);
    }),
  );

  router.post(
    '/cases/:caseNo/attachments',
    ...kit.upload,
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, ATTACHMENT_ROLES);
      const caseNo = String(req.params.caseNo);
      await load(caseNo);
      const note = typeof req.body?.note === 'string' ? req.body.note.trim().slice(0, 1000) : '';
      const uploads = req.upload?.files ?? [];
      const checked = checkUploads(uploads, kit.attachmentLimits, ctx.t);
      const values: FormValues = { note };
      if (checked.error) return render(req, res, ctx, caseNo, { attach: { values, errors: { files: checked.error } } }, checked.status ?? 422);
      if (!checked.files.length) return render(req, res, ctx, caseNo, { attach: { values, errors: { files: message('is required', ctx.t) } } }, 422);
      try {
        await addAttachments(db, caseNo, checked.files, ctx.me.id, note || null);
      } catch (err) {
        if (err instanceof HttpError) return render(req, res, ctx, caseNo, { attach: { values, errors: {}, general: `${err.status} · ${err.message}` } }, err.status);
        throw err;
      }
      res.redirect(303, `/cases/${encodeURIComponent(caseNo)}?done=attachments#sec-att`);
    }),
  );

  router.post(
    '/cases/:caseNo/extensions',
    ...kit.form,
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, CASE_WORKER_ROLES);
      const caseNo = String(req.params.caseNo);
      const body = (req.body ?? {}) as FormValues;
      const { data, values } = readForm(requestSchemas.extendDeadline, body, ctx.tz);
      const parsed = requestSchemas.extendDeadline.safeParse(data);
      if (!parsed.success) return render(req, res, ctx, caseNo, { ext: { values, errors: zodErrors(parsed.error, ctx.t) } }, 422);
      try {
        const who = actorFrom(ctx);
        await kit.steps.extendDeadline(caseNo, who, parsed.data);
      } catch (err) {
        const r = refusal(err, ctx.t);
        return render(req, res, ctx, caseNo, { ext: { ...r.state, values } }, r.status);
      }
      res.redirect(303, `/cases/${encodeURIComponent(caseNo)}?done=extension#${encodeURIComponent(parsed.data.clockId)}`);
    }),
  );

  router.post(
    '/cases/:caseNo/countermeasures/:ref',
    ...kit.form,
    kit.handle(async (req, res, ctx) => {
      const caseNo = String(req.params.caseNo);
      const ref = String(req.params.ref);
      kit.requireRoles(ctx, ['department_owner', 'qa_engineer']);
      if (!/^(R\d+-)?[CPM]\d+$/.test(ref)) throw new HttpError(404, 'not_found', `No countermeasure ${ref}`);
      const body = (req.body ?? {}) as FormValues;
      const { data, values } = readForm(requestSchemas.implementation, body, ctx.tz);
      values.lateReason = body.lateReason;
      const parsed = requestSchemas.implementation.safeParse(data);
      if (!parsed.success) return render(req, res, ctx, caseNo, { impl: { ref, values, errors: zodErrors(parsed.error, ctx.t) } }, 422);
      const lateReason = typeof body.lateReason === 'string' && body.lateReason.trim() ? body.lateReason.trim() : undefined;
      try {
        const who = actorFrom(ctx);
        await kit.steps.recordImplementation(caseNo, ref, who, { ...parsed.data, lateReason });
      } catch (err) {
        const r = refusal(err, ctx.t);
        return render(req, res, ctx, caseNo, { impl: { ...r.state, ref, values } }, r.status);
      }
      res.redirect(303, `/cases/${encodeURIComponent(caseNo)}?done=${ref}#sec-cm`);
    }),
  );


  router.post(
    '/cases/:caseNo/rpr/:step',
    ...kit.form,
    kit.handle(async (req, res, ctx) => {
      const caseNo = String(req.params.caseNo);
      const step = String(req.params.step);
      if (!(step in rprStepSchemas)) throw new HttpError(404, 'not_found', `No step ${step}`);
      kit.requireRoles(ctx, RPR_STEP_ROLES[step as RprStep]);
      const schema = rprStepSchemas[step as RprStep] as z.ZodType;
      const body = (req.body ?? {}) as FormValues;
      const { data, values } = readForm(schema, body, ctx.tz);
      const parsed = schema.safeParse(data);
      const errors: FieldErrors = parsed.success ? {} : zodErrors(parsed.error, ctx.t);
      const password = typeof body.password === 'string' && body.password ? body.password : undefined;
      if (SIGNED_RPR_STEPS[step as RprStep] && !password) errors.password = message('is required', ctx.t);
      if (Object.keys(errors).length) return render(req, res, ctx, caseNo, { rpr: { values, errors } }, 422);
      try {
        await kit.steps.rprStep(caseNo, step as RprStep, actorFrom(ctx), { data: parsed.data, password });
      } catch (err) {
        const r = refusal(err, ctx.t);
        return render(req, res, ctx, caseNo, { rpr: { ...r.state, values } }, r.status);
      }
      res.redirect(303, `/cases/${encodeURIComponent(caseNo)}?done=rpr#sec-rpr`);
    }),
  );

  router.post(
    '/cases/:caseNo/dismissal',
    ...kit.form,
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, ['qa_manager']);
      const caseNo = String(req.params.caseNo);
      const body = (req.body ?? {}) as FormValues;
      const { data, values } = readForm(requestSchemas.dismiss, body, ctx.tz);
      const parsed = requestSchemas.dismiss.safeParse(data);
      const errors: FieldErrors = parsed.success ? {} : zodErrors(parsed.error, ctx.t);
      const password = typeof body.password === 'string' && body.password ? body.password : undefined;
      if (!password) errors.password = message('is required', ctx.t);
      if (!parsed.success || Object.keys(errors).length) return render(req, res, ctx, caseNo, { dismiss: { values, errors } }, 422);
      try {
        await kit.steps.dismiss(caseNo, actorFrom(ctx), { ...parsed.data, password });
      } catch (err) {
        const r = refusal(err, ctx.t);
        return render(req, res, ctx, caseNo, { dismiss: { ...r.state, values } }, r.status);
      }
      res.redirect(303, `/cases/${encodeURIComponent(caseNo)}?done=dismissal`);
    }),
  );

  router.post(
    '/cases/:caseNo/compensation',
    ...kit.form,
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, ['sales', 'qa_manager']);
      const caseNo = String(req.params.caseNo);
      const { data, values } = readForm(requestSchemas.compensation, (req.body ?? {}) as FormValues, ctx.tz);
      const parsed = requestSchemas.compensation.safeParse(data);
      if (!parsed.success) return render(req, res, ctx, caseNo, { comp: { values, errors: zodErrors(parsed.error, ctx.t) } }, 422);
      try {
        await kit.steps.requestCompensation(caseNo, actorFrom(ctx), parsed.data);
      } catch (err) {
        const r = refusal(err, ctx.t);
        return render(req, res, ctx, caseNo, { comp: { ...r.state, values } }, r.status);
      }
      res.redirect(303, `/cases/${encodeURIComponent(caseNo)}?done=compensation#sec-comp`);
    }),
  );

  router.post(
    '/cases/:caseNo/compensation/decision',
    ...kit.form,
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, [...CASE_WORKER_ROLES, 'management_rep']);
      const caseNo = String(req.params.caseNo);
      const body = (req.body ?? {}) as FormValues;
      const { data, values } = readForm(requestSchemas.compensationDecision, body, ctx.tz);
      const parsed = requestSchemas.compensationDecision.safeParse(data);
      const errors: FieldErrors = parsed.success ? {} : zodErrors(parsed.error, ctx.t);
      const password = typeof body.password === 'string' && body.password ? body.password : undefined;
      if (!password) errors.password = message('is required', ctx.t);
      if (!parsed.success || Object.keys(errors).length) return render(req, res, ctx, caseNo, { compDecision: { values, errors } }, 422);
      try {
        await kit.steps.decideCompensation(caseNo, actorFrom(ctx), { ...parsed.data, password });
      } catch (err) {
        const r = refusal(err, ctx.t);
        return render(req, res, ctx, caseNo, { compDecision: { ...r.state, values } }, r.status);
      }
      res.redirect(303, `/cases/${encodeURIComponent(caseNo)}?done=compensation#sec-comp`);
    }),
  );
}
