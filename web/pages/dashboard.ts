/** Dashboard: on-time rate by month, Pareto of defect phenomena, open cases by step and age, overdue by department (inline SVG). */
import type { Router } from 'express';
import { columnChart, dataTable, paretoChart, stackedBars } from '../charts';
import { html } from '../html';
import { page } from '../layout';
import { dashboardStats } from '../queries';
import type { WebKit } from '../index';

export function dashboardPage(router: Router, kit: WebKit): void {
  router.get(
    '/dashboard',
    kit.handle(async (_req, res, ctx) => {
      const { t } = ctx;
      const [s, departments] = await Promise.all([dashboardStats(kit.db, ctx.tz), kit.db.department.findMany()]);
      const dept = new Map(departments.map((d) => [d.id, t.lang === 'en' && d.nameEn ? d.nameEn : d.name]));
      const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`);
      const body = html`<div class="grid wide">
<section class="card" aria-labelledby="d1"><h2 id="d1">${t('on_time_rate')}</h2>
${columnChart(t('on_time_rate'), s.onTime.map((m) => ({ label: m.month, value: m.rate, text: pct(m.rate) })), { max: 1 })}
${dataTable(t('details'), [t('month'), t('rate'), 'met', t('total')], s.onTime.map((m) => [m.month, pct(m.rate), m.onTime, m.total]))}
</section>
<section class="card" aria-labelledby="d2"><h2 id="d2">${t('pareto')}</h2>
${s.pareto.length ? paretoChart(t('pareto'), s.pareto.map((p) => ({ label: p.phenomenon, count: p.count, cumulative: p.cumulative }))) : html`<p class="muted">${t('nothing')}</p>`}
${dataTable(t('details'), [t('details'), t('count'), '%', 'Σ%'], s.pareto.map((p) => [p.phenomenon, p.count, pct(p.share), pct(p.cumulative)]))}
</section>
<section class="card" aria-labelledby="d3"><h2 id="d3">${t('open_by_step')}</h2>
${s.openByStep.length ? stackedBars(t('open_by_step'), s.openByStep.map(([step, v]) => ({ label: t.enum(step), values: v })), s.ageBuckets.map((b) => `${b} d`)) : html`<p class="muted">${t('nothing')}</p>`}
${dataTable(t('details'), [t('step'), ...s.ageBuckets.map((b) => `${b} d`)], s.openByStep.map(([step, v]) => [t.enum(step), ...v]))}
</section>
<section class="card" aria-labelledby="d4"><h2 id="d4">${t('overdue_by_dept')}</h2>
${s.overdueByDept.length ? columnChart(t('overdue_by_dept'), s.overdueByDept.map(([d, n]) => ({ label: dept.get(d) ?? t.enum(d), value: n }))) : html`<p class="muted">${t('nothing')}</p>`}
${dataTable(t('details'), [t('department'), t('count')], s.overdueByDept.map(([d, n]) => [dept.get(d) ?? t.enum(d), n]))}
</section>
</div>
<p><a href="/api/reports/monthly/${new Date().toISOString().slice(0, 7)}">${t('raw_api')}</a></p>`;
      res.type('html').send(page(ctx, t, t('dashboard'), body));
    }),
  );
}
