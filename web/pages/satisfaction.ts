/**
 * Customer satisfaction (§6(4)): the quarter's CSI — per part (with the improvement
 * priorities), per customer, the response rate, the trend — with the report PDF, and the
 * post-closure "second satisfaction" answers of the same quarter. Read-only, for the roles
 * that read the CSI (QA manager, management representative, auditor, administrator).
 */
import type { Router } from 'express';
import { CSI_PART_LABELS, fmtRate, fmtScore, QUARTER_RE } from '../../activities/csi';
import { csiQuarterReport, quarterOf, quarterRange } from '../../activities/quarterly-survey';
import { CSI_ROLES } from '../../api/routes/csi';
import { html, type SafeHtml } from '../html';
import { fmtTime, page } from '../layout';
import { dataTable } from '../charts';
import type { WebKit } from '../index';

const f1 = (n: number) => (Math.round(n * 10) / 10).toString();

/** Horizontal bars on −100 … 100 around a zero line (inline SVG); a score below zero is red. */
function scoreBars(title: string, items: { label: string; value: number | null }[]): SafeHtml {
  const w = 560;
  const row = 24;
  const h = Math.max(1, items.length) * row + 24;
  const l = 150;
  const r = 40;
  const x = (v: number) => l + ((w - l - r) * (v + 100)) / 200;
  return html`<figure class="fig"><svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="${title}">
    ${[-100, -50, 0, 50, 100].map((v) => html`<line x1="${f1(x(v))}" x2="${f1(x(v))}" y1="0" y2="${h - 20}" stroke="${v === 0 ? '#52606d' : '#d9e2ec'}"/><text x="${f1(x(v))}" y="${h - 6}" text-anchor="middle">${v}</text>`)}
    ${items.map((it, i) => {
      const y = i * row + 4;
      const v = it.value;
      const label = it.label.length > 18 ? it.label.slice(0, 17) + '…' : it.label;
      return html`<g><title>${it.label}: ${fmtScore(v)}</title><text x="${l - 6}" y="${y + 13}" text-anchor="end">${label}</text>
        ${v === null ? html`<text x="${f1(x(0) + 4)}" y="${y + 13}">—</text>` : html`<rect x="${f1(x(Math.min(0, v)))}" y="${y}" width="${f1(Math.max(1, Math.abs(x(v) - x(0))))}" height="${row - 8}" fill="${v < 0 ? '#b42318' : '#0b5cad'}"/>
        <text x="${f1(v < 0 ? x(v) - 4 : x(v) + 4)}" y="${y + 13}" text-anchor="${v < 0 ? 'end' : 'start'}">${fmtScore(v)}</text>`}</g>`;
    })}
  </svg></figure>`;
}

/** The overall CSI over quarters as a line on −100 … 100 (inline SVG); a quarter without data leaves a gap. */
function scoreLine(title: string, points: { label: string; value: number | null }[]): SafeHtml {
  const w = 560;
  const h = 200;
  const pad = { l: 36, r: 12, t: 14, b: 28 };
  const slot = (w - pad.l - pad.r) / Math.max(1, points.length);
  const x = (i: number) => pad.l + i * slot + slot / 2;
  const y = (v: number) => pad.t + ((h - pad.t - pad.b) * (100 - Math.max(-100, Math.min(100, v)))) / 200;
  const segments: string[][] = [];
  let current: string[] = [];
  points.forEach((p, i) => {
    if (p.value === null) {
      if (current.length) segments.push(current);
      current = [];
    } else current.push(`${f1(x(i))},${f1(y(p.value))}`);
  });
  if (current.length) segments.push(current);
  return html`<figure class="fig"><svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="${title}">
    ${[100, 50, 0, -50, -100].map((v) => html`<line x1="${pad.l}" x2="${w - pad.r}" y1="${f1(y(v))}" y2="${f1(y(v))}" stroke="${v === 0 ? '#52606d' : '#d9e2ec'}"${v === 0 ? html` stroke-dasharray="3 3"` : ''}/><text x="${pad.l - 4}" y="${f1(y(v) + 4)}" text-anchor="end">${v}</text>`)}
    ${segments.map((seg) => html`<polyline points="${seg.join(' ')}" fill="none" stroke="#f59e0b" stroke-width="2"/>`)}
    ${points.map((p, i) => html`<g><title>${p.label}: ${fmtScore(p.value)}</title>${p.value === null ? '' : html`<circle cx="${f1(x(i))}" cy="${f1(y(p.value))}" r="3.5" fill="${p.value < 0 ? '#b42318' : '#0b5cad'}"/><text x="${f1(x(i))}" y="${f1(y(p.value) - 7)}" text-anchor="middle">${fmtScore(p.value)}</text>`}<text x="${f1(x(i))}" y="${h - 8}" text-anchor="middle">${p.label}</text></g>`)}
  </svg></figure>`;
}

export function satisfactionPage(router: Router, kit: WebKit): void {
  const { db } = kit;
  router.get(
    '/satisfaction',
    kit.handle(async (req, res, ctx) => {
      kit.requireRoles(ctx, CSI_ROLES);
      const { t } = ctx;
      const zh = t.lang === 'zh';
      const rounds = await db.csiRound.findMany({ orderBy: { quarter: 'desc' }, select: { quarter: true, status: true }, take: 40 });
      const asked = typeof req.query.quarter === 'string' && QUARTER_RE.test(req.query.quarter) ? req.query.quarter : null;
      const quarter = asked ?? rounds[0]?.quarter ?? quarterOf(new Date(), ctx.tz);
      const report = await csiQuarterReport(db, quarter);
      const part = (p: keyof typeof CSI_PART_LABELS) => CSI_PART_LABELS[p][zh ? 'zh' : 'en'];

      // The post-closure survey (二度满意) of cases whose survey was answered in the quarter.
      const { from, to } = quarterRange(quarter, ctx.tz);
      const surveys = await db.satisfactionSurvey.findMany({
        where: { OR: [{ answeredAt: { gte: from, lt: to } }, { createdAt: { gte: from, lt: to } }] },
        include: { case: { select: { caseNo: true, customerName: true } } },
        orderBy: { createdAt: 'asc' },
      });
      const answered = surveys.filter((s) => s.answeredAt && s.answeredAt >= from && s.answeredAt < to);
      const count = (o: string) => answered.filter((s) => s.outcome === o).length;
      const avg = (xs: (number | null)[]) => {
        const v = xs.filter((x): x is number => x !== null);
        return v.length ? f1(v.reduce((a, b) => a + b, 0) / v.length) : '—';
      };
      const dissatisfied = answered.filter((s) => s.outcome === 'dissatisfied');

      const picker = html`<form method="get" action="/satisfaction" class="card filters"><div class="field"><label for="csi-quarter">${t('quarter')}</label>
<select id="csi-quarter" name="quarter">${(rounds.some((r) => r.quarter === quarter) ? rounds : [{ quarter, status: '' }, ...rounds]).map((r) => html`<option value="${r.quarter}"${r.quarter === quarter ? html` selected` : ''}>${r.quarter}${r.status ? ` · ${t(r.status === 'closed' ? 'csi_closed' : 'csi_open')}` : ''}</option>`)}</select></div>
<div class="actions"><button type="submit">${t('filter')}</button></div></form>`;

      const csi = report
        ? html`<div class="grid">
<section class="card" aria-labelledby="s1"><h2 id="s1">CSI ${quarter}</h2>
<p class="kpi"><strong data-testid="csi-overall" style="font-size:2rem">${fmtScore(report.overall)}</strong></p>
<p>${t('response_rate')}: <strong data-testid="csi-response-rate">${fmtRate(report.responseRate)}</strong> (${report.answered}/${report.sent})</p>
<p class="muted">${t(report.status === 'closed' ? 'csi_closed' : 'csi_open')} · ${t('csi_closes')} ${fmtTime(report.closedAt ?? report.closesAt, ctx.tz)}</p>
<p><a class="button secondary" href="/api/satisfaction/csi/${quarter}.pdf?lang=${t.lang}">${t('csi_report_pdf')}</a> <a href="/api/satisfaction/csi?quarter=${quarter}">${t('raw_api')}</a></p>
</section>
<section class="card" aria-labelledby="s2"><h2 id="s2">${t('csi_priorities')}</h2>
${report.priorities.length ? html`<ol>${report.priorities.map((p) => html`<li><strong>${part(p.part)}</strong> ${fmtScore(p.score)}${p.customersAtOrBelowZero.length ? html` <span class="muted">(${p.customersAtOrBelowZero.join('、')})</span>` : ''}</li>`)}</ol>` : html`<p class="muted">${t('nothing')}</p>`}
</section>
</div>
<div class="grid wide">
<section class="card" aria-labelledby="s3"><h2 id="s3">${t('csi_by_part')}</h2>
${scoreBars(t('csi_by_part'), report.parts.map((p) => ({ label: part(p.part), value: p.score })))}
${dataTable(t('details'), [t('csi_part'), 'CSI'], report.parts.map((p) => [part(p.part), fmtScore(p.score)]))}
</section>
<section class="card" aria-labelledby="s4"><h2 id="s4">${t('csi_by_customer')}</h2>
${scoreBars(t('csi_by_customer'), report.customers.map((c) => ({ label: c.customerName, value: c.overall })))}
${dataTable(t('details'), [t('customer'), ...report.parts.map((p) => part(p.part)), 'CSI', t('response_rate')], report.customers.map((c) => [c.customerName, ...report.parts.map((p) => fmtScore(c.parts[p.part])), fmtScore(c.overall), `${c.answered}/${c.sent}`]))}
</section>
<section class="card" aria-labelledby="s5"><h2 id="s5">${t('csi_trend')}</h2>
${scoreLine(t('csi_trend'), report.trend.map((x) => ({ label: x.quarter, value: x.overall })))}
${dataTable(t('details'), [t('quarter'), 'CSI', t('response_rate')], report.trend.map((x) => [x.quarter, fmtScore(x.overall), fmtRate(x.responseRate)]))}
</section>
</div>`
        : html`<p class="card muted">${t('csi_no_round')}</p>`;

      const second = html`<section class="card" aria-labelledby="s6"><h2 id="s6">${t('second_satisfaction')} ${quarter}</h2>
<p>${t('csi_surveys_sent')}: ${surveys.filter((s) => s.createdAt >= from && s.createdAt < to).length} · ${t('csi_answered')}: <strong data-testid="second-answered">${answered.length}</strong></p>
<div class="table-wrap"><table><thead><tr><th scope="col">${t('satisfied')}</th><th scope="col">${t('neutral')}</th><th scope="col">${t('dissatisfied')}</th><th scope="col">${t('speed')} (1–5)</th><th scope="col">${t('communication')} (1–5)</th></tr></thead>
<tbody><tr><td>${count('satisfied')}</td><td>${count('neutral')}</td><td>${count('dissatisfied')}</td><td>${avg(answered.map((s) => s.speed))}</td><td>${avg(answered.map((s) => s.communication))}</td></tr></tbody></table></div>
${dissatisfied.length ? html`<h3>${t('dissatisfied')}</h3><ul>${dissatisfied.map((s) => html`<li><a href="/cases/${encodeURIComponent(s.case.caseNo)}">${s.case.caseNo}</a> ${s.case.customerName} — ${s.followUpAt ? html`<span class="badge b-ok">${t('followed_up')}</span> ${fmtTime(s.followUpAt, ctx.tz)}` : html`<span class="badge b-bad">${t('follow_up_open')}</span>`}${s.comment ? html` <span class="muted">“${s.comment}”</span>` : ''}</li>`)}</ul>` : ''}
</section>`;

      res.type('html').send(page(ctx, t, t('satisfaction'), html`${picker}${csi}${second}`));
    }),
  );
}
