/**
 * 顾客满意度调查报告 / Customer Satisfaction Report (§6(4)) of one quarter: the CSI per part as
 * a radar chart, the score per customer as bars, the overall CSI trend as a line, the
 * response rate, the improvement priorities and the customers' comments. Charts are vector
 * paths (templates/pdf/charts.ts).
 */
import { CSI_GRADES, CSI_PART_LABELS, CSI_PARTS, fmtRate, fmtScore, type CsiPart } from '../../activities/csi';
import type { CsiQuarterReport } from '../../activities/quarterly-survey';
import { radarChart, scoreBars, scoreLineChart } from './charts';
import { FormBuilder } from './form';
import type { PeriodDocMeta } from './period-reports';

export const CSI_REPORT_TITLE = { zh: '顾客满意度调查报告', en: 'Customer Satisfaction Report' };

export async function renderCsiReport(meta: PeriodDocMeta, r: CsiQuarterReport, language: 'zh' | 'en' = 'zh'): Promise<Buffer> {
  const zh = language === 'zh';
  const form = new FormBuilder({ language, title: CSI_REPORT_TITLE, company: meta.company, caseNo: meta.period, issuedAt: meta.issuedAt, timeZone: meta.timeZone, dataHash: meta.dataHash });
  const l = (z: string, e: string) => (zh ? z : e);
  const part = (p: CsiPart | 'overall') => (p === 'overall' ? l('总体', 'Overall') : CSI_PART_LABELS[p][zh ? 'zh' : 'en']);
  form.titleBlock();

  form.heading(l(`${r.quarter} 概况`, `${r.quarter} overview`));
  form.fieldGrid([
    { label: l('顾客满意度指数 CSI', 'Customer satisfaction index (CSI)'), value: fmtScore(r.overall) },
    { label: l('回收率', 'Response rate'), value: `${fmtRate(r.responseRate)} (${r.answered}/${r.sent})` },
    { label: l('纳入指数的客户', 'Customers in the index'), value: `${r.customersInIndex} / ${r.customers.length}` },
    { label: l('调查状态', 'Round'), value: r.status === 'closed' ? l(`已截止 ${form.time(r.closedAt)}`, `closed ${form.time(r.closedAt)}`) : l(`进行中，截止 ${form.time(r.closesAt)}`, `open until ${form.time(r.closesAt)}`) },
    { label: l('评分', 'Scores'), value: CSI_GRADES.map((g) => `${g}=${r.scores[g]}`).join('  '), wide: true },
  ]);
  form.gap();

  form.heading(l('各方面得分（雷达图）', 'Score by part (radar)'));
  radarChart(form, r.parts.map((p) => ({ label: part(p.part), value: p.score })));
  form.table({
    columns: [40, 20, 40],
    header: [l('方面', 'Part'), 'CSI', l('得分 ≤ 0 的客户', 'Customers at or below 0')],
    rows: r.parts.map((p) => [part(p.part), fmtScore(p.score), r.customers.filter((c) => c.parts[p.part] !== null && c.parts[p.part]! <= 0).map((c) => c.customerName).join('、') || '—']),
    fontSize: 8,
  });
  form.gap();

  form.heading(l('改善重点（得分最低的方面）', 'Improvement priorities (lowest parts)'));
  form.table({
    columns: [10, 35, 20, 35],
    header: ['#', l('方面', 'Part'), 'CSI', l('得分 ≤ 0 的客户', 'Customers at or below 0')],
    rows: r.priorities.length
      ? r.priorities.map((p, i) => [String(i + 1), part(p.part), fmtScore(p.score), p.customersAtOrBelowZero.join('、') || '—'])
      : [[{ text: l('尚无回复', 'No answers yet'), span: 4 }]],
    fontSize: 8.5,
  });
  form.gap();

  form.heading(l('各客户得分', 'Score by customer'));
  scoreBars(form, r.customers.map((c) => ({ label: c.customerName, value: c.overall })));
  form.table({
    columns: [22, 11, 11, 11, 11, 11, 11, 12],
    header: [l('客户', 'Customer'), ...CSI_PARTS.map((p) => part(p)), 'CSI', l('回收', 'Answered')],
    rows: r.customers.length
      ? r.customers.map((c) => [c.customerName, ...CSI_PARTS.map((p) => fmtScore(c.parts[p])), c.answered ? fmtScore(c.overall) : l('未回复', 'no answer'), `${c.answered}/${c.sent}`])
      : [[{ text: '—', span: 8 }]],
    fontSize: 7.5,
  });
  form.gap();

  form.heading(l('CSI 趋势（近五个季度）', 'CSI trend, last five quarters'));
  scoreLineChart(form, r.trend.map((t) => ({ label: t.quarter, value: t.overall })));
  form.table({
    columns: [40, 30, 30],
    header: [l('季度', 'Quarter'), 'CSI', l('回收率', 'Response rate')],
    rows: r.trend.map((t) => [t.quarter, fmtScore(t.overall), fmtRate(t.responseRate)]),
    fontSize: 8,
  });
  form.gap();

  form.heading(l('客户意见', 'Customer comments'));
  form.table({
    columns: [28, 20, 52],
    header: [l('客户', 'Customer'), l('方面', 'Part'), l('意见', 'Comment')],
    rows: r.comments.length ? r.comments.map((c) => [c.customerName, part(c.part), c.text]) : [[{ text: '—', span: 3 }]],
    fontSize: 8,
  });
  return form.finish();
}
