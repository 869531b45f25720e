/** My work: the signed-in person's open steps, earliest deadline first, coloured by time left. */
import type { Router } from 'express';
import { html } from '../html';
import { countdown, page } from '../layout';
import { myWork } from '../queries';
import type { WebKit } from '../index';

export function workPage(router: Router, kit: WebKit): void {
  router.get(
    '/work',
    kit.handle(async (_req, res, ctx) => {
      const { t } = ctx;
      const items = await myWork(kit.db, ctx.me);
      const rows = items.map(
        (i) => html`<tr>
  <td data-label="${t('case_no')}"><a href="/cases/${encodeURIComponent(i.caseNo)}${i.clockId ? '#' + i.clockId : ''}">${i.caseNo}</a></td>
  <td data-label="${t('step')}">${t.enum(i.clock ?? i.step)}${i.clockId && i.clockId !== i.clock ? html` <span class="muted">${i.clockId}</span>` : ''}</td>
  <td data-label="${t('customer')}">${i.customerName}</td>
  <td data-label="${t('product')}">${i.product}</td>
  <td data-label="${t('severity')}"><span class="pill ${i.severity}">${t.enum(i.severity)}</span></td>
  <td data-label="${t('time_left')}">${i.dueAt ? countdown(t, i.dueAt, i.startedAt, ctx.tz) : html`<span class="muted">—</span>`}</td>
</tr>`,
      );
      const overdue = items.filter((i) => i.dueAt && i.dueAt.getTime() < Date.now()).length;
      const body = html`<p class="muted">${t('open_steps')} · ${items.length} ${t('waiting_for_you')}${overdue ? html` · <strong class="b-bad badge">${overdue} ${t('overdue')}</strong>` : ''}</p>
<div class="table-wrap"><table class="stack-sm"><thead><tr><th scope="col">${t('case_no')}</th><th scope="col">${t('step')}</th><th scope="col">${t('customer')}</th><th scope="col">${t('product')}</th><th scope="col">${t('severity')}</th><th scope="col">${t('time_left')}</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="6">${t('nothing')}</td></tr>`}</tbody></table></div>`;
      res.type('html').send(page(ctx, t, t('my_work'), body));
    }),
  );
}
