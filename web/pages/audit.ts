/** Audit (read-only): any case's audit records in chain order, with links to the timeline, the raw history and the chain verification (/api/audit). */
import type { Router } from 'express';
import { HttpError } from '../../api/errors';
import { READ_ALL_ROLES } from '../../api/roles';
import { listSecurityEvents, securityQuery } from '../../api/routes/security';
import { html } from '../html';
import { fmtTime, page } from '../layout';
import type { WebKit } from '../index';

export function auditPages(router: Router, kit: WebKit): void {
  const { db } = kit;

  router.get(
    '/audit',
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, READ_ALL_ROLES);
      const { t } = ctx;
      const q = typeof req.query.case === 'string' ? req.query.case.trim() : '';
      if (q) return res.redirect(303, `/audit/${encodeURIComponent(q)}`);
      const cases = await db.complaintCase.findMany({
        orderBy: [{ year: 'desc' }, { seq: 'desc' }],
        take: 200,
        select: { caseNo: true, customerName: true, status: true, receivedAt: true, _count: { select: { events: true } } },
      });
      const body = html`<p class="muted">${t('read_only')} <a href="/api/audit/verify">${t('verify_all')}</a> · <a href="/audit/security">${t('security_events')}</a></p>
<form method="get" action="/audit" class="card filters" role="search"><div class="field"><label for="audit-case">${t('case_no')}</label><input type="text" id="audit-case" name="case" placeholder="CC-2026-0001" list="audit-cases"></div>
<datalist id="audit-cases">${cases.map((c) => html`<option value="${c.caseNo}">`)}</datalist><div class="actions"><button type="submit">${t('audit_trail')}</button></div></form>
<div class="table-wrap"><table class="stack-sm"><thead><tr><th scope="col">${t('case_no')}</th><th scope="col">${t('customer')}</th><th scope="col">${t('status')}</th><th scope="col">${t('received')}</th><th scope="col">${t('count')}</th></tr></thead><tbody>${cases.map(
        (c) => html`<tr><td data-label="${t('case_no')}"><a href="/audit/${encodeURIComponent(c.caseNo)}">${c.caseNo}</a></td><td data-label="${t('customer')}">${c.customerName}</td><td data-label="${t('status')}">${t.enum(c.status)}</td><td data-label="${t('received')}">${fmtTime(c.receivedAt, ctx.tz)}</td><td data-label="${t('count')}">${c._count.events}</td></tr>`,
      )}</tbody></table></div>`;
      res.type('html').send(page(ctx, t, t('audit'), body));
    }),
  );

  // Sign-ins, failed sign-ins, sign-outs, role / department changes, accounts, tokens, policy versions.
  router.get(
    '/audit/security',
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, READ_ALL_ROLES);
      const { t } = ctx;
      const q = securityQuery.safeParse(req.query);
      const query = q.success ? q.data : securityQuery.parse({});
      const [events, people] = await Promise.all([listSecurityEvents(db, query), db.person.findMany({ select: { id: true, name: true } })]);
      const names = new Map(people.map((p) => [p.id, p.name]));
      const who = (id: string | null) => (id ? (names.get(id) ?? id) : '—');
      const kinds = ['sign_in', 'sign_in_failed', 'sign_out', 'password_changed', 'person_created', 'person_changed', 'account_issued', 'api_token_created', 'api_token_revoked', 'policy_version_created'];
      const summary = (kind: string, d: Record<string, unknown>): string => {
        if (kind === 'person_changed') {
          const b = (d.before ?? {}) as Record<string, unknown>;
          const af = (d.after ?? {}) as Record<string, unknown>;
          return ((d.fields ?? []) as string[]).map((f) => `${f}: ${String(b[f])} → ${String(af[f])}`).join('; ');
        }
        if (kind === 'sign_in_failed') return `${String(d.email ?? '')} · ${String(d.reason ?? '')}`;
        if (kind === 'policy_version_created') return String(d.policy ?? '');
        if (kind === 'api_token_created') return String(d.name ?? '');
        return '';
      };
      const older = events.length === query.limit ? events[events.length - 1]!.seq : null;
      const body = html`<p class="muted">${t('read_only')} <a href="/api/audit/security/verify">${t('verify_security')}</a> · <a href="/api/audit/security">${t('raw_api')}</a></p>
<form method="get" action="/audit/security" class="card filters" role="search">
<div class="field"><label for="sec-kind">${t('kind')}</label><select id="sec-kind" name="kind"><option value="">${t('any')}</option>${kinds.map((k) => html`<option value="${k}"${query.kind === k ? html` selected` : ''}>${k}</option>`)}</select></div>
<div class="field"><label for="sec-person">${t('name')} (id)</label><input type="text" id="sec-person" name="person" value="${query.person ?? ''}"></div>
<div class="actions"><button type="submit">${t('filter')}</button></div></form>
<div class="table-wrap"><table class="stack-sm" id="security-events"><thead><tr><th scope="col">#</th><th scope="col">${t('when')}</th><th scope="col">${t('kind')}</th><th scope="col">${t('actor')}</th><th scope="col">${t('subject_person')}</th><th scope="col">${t('details')}</th></tr></thead><tbody>${
        events.length
          ? events.map(
              (e) => html`<tr><td data-label="#">${e.seq}</td><td data-label="${t('when')}">${fmtTime(e.at, ctx.tz)}</td><td data-label="${t('kind')}"><strong>${e.kind}</strong>${summary(e.kind, (e.data ?? {}) as Record<string, unknown>) ? html`<br><span class="muted">${summary(e.kind, (e.data ?? {}) as Record<string, unknown>)}</span>` : ''}</td><td data-label="${t('actor')}">${who(e.actor)}</td><td data-label="${t('subject_person')}">${who(e.subject)}</td>
<td data-label="${t('details')}"><details><summary>${t('details')}</summary><pre>${JSON.stringify({ ...(e.data as object), ip: e.ip, hash: e.hash, prevHash: e.prevHash }, null, 2)}</pre></details></td></tr>`,
            )
          : html`<tr><td colspan="6">${t('nothing')}</td></tr>`
      }</tbody></table></div>
${older ? html`<p><a href="/audit/security?${new URLSearchParams({ ...(query.kind ? { kind: query.kind } : {}), ...(query.person ? { person: query.person } : {}), before: String(older) }).toString()}">${t('next_page')} →</a></p>` : ''}`;
      res.type('html').send(page(ctx, t, t('security_events'), body));
    }),
  );

  router.get(
    '/audit/:caseNo',
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, READ_ALL_ROLES);
      const { t } = ctx;
      const caseNo = String(req.params.caseNo);
      const c = await db.complaintCase.findUnique({ where: { caseNo } });
      if (!c) throw new HttpError(404, 'not_found', `Case ${caseNo} not found`);
      const [events, people] = await Promise.all([
        db.caseEvent.findMany({ where: { caseId: c.id }, orderBy: { seq: 'asc' } }),
        db.person.findMany({ select: { id: true, name: true } }),
      ]);
      const names = new Map(people.map((p) => [p.id, p.name]));
      const api = `/api/audit/cases/${encodeURIComponent(caseNo)}`;
      const body = html`<p class="muted">${t('read_only')} <a href="/cases/${encodeURIComponent(caseNo)}">${caseNo}</a> · ${c.customerName} · ${t.enum(c.status)}</p>
<ul class="tabs" role="list">
  <li><a class="button secondary" href="${api}/verify">${t('verify_chain')}</a></li>
  <li><a class="button secondary" href="${api}/timeline">${t('full_timeline')}</a></li>
  <li><a class="button secondary" href="${api}/history.json">${t('raw_history')}</a></li>
</ul>
<h2>${t('audit_trail')}</h2>
<div class="table-wrap"><table class="stack-sm"><thead><tr><th scope="col">#</th><th scope="col">${t('when')}</th><th scope="col">${t('kind')}</th><th scope="col">${t('actor')}</th><th scope="col">hash</th><th scope="col">${t('details')}</th></tr></thead><tbody>${events.map(
        (e) => html`<tr><td data-label="#">${e.seq}</td><td data-label="${t('when')}">${fmtTime(e.at, ctx.tz)}</td><td data-label="${t('kind')}"><strong>${e.kind}</strong></td><td data-label="${t('actor')}">${names.get(e.actor) ?? e.actor}</td>
<td data-label="hash"><code title="${e.hash ?? ''}">${(e.hash ?? '—').slice(0, 12)}</code><br><span class="muted">← <code title="${e.prevHash ?? ''}">${(e.prevHash ?? '—').slice(0, 12)}</code></span></td>
<td data-label="${t('details')}"><details><summary>${t('details')}</summary><pre>${JSON.stringify(e.data, null, 2)}</pre>${e.before || e.after ? html`<pre>${JSON.stringify({ before: e.before, after: e.after }, null, 2)}</pre>` : ''}</details></td></tr>`,
      )}</tbody></table></div>`;
      res.type('html').send(page(ctx, t, `${t('audit_trail')} · ${caseNo}`, body));
    }),
  );
}
