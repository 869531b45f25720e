/**
 * 市场品质异常管理表 / Market Quality Abnormality Register for a period, and
 * 品质检讨会议资料 / Monthly Quality Review — the period reports of §6(5) and §7.
 */
import type { MonthlyStats, RegisterRow } from '../../activities/reports';
import { paretoChart, rateChart } from './charts';
import { FormBuilder } from './form';
import { LABELS, enumLabel, localise } from './labels';
import type { CompanyInfo, DocLanguage } from './types';

export interface PeriodDocMeta {
  company: CompanyInfo;
  period: string;
  issuedAt: string;
  timeZone: string;
  dataHash: string;
}

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

export async function renderRegister(meta: PeriodDocMeta, rows: RegisterRow[], language: DocLanguage = 'zh'): Promise<Buffer> {
  const form = new FormBuilder({ language, title: LABELS.qualityRegister, company: meta.company, caseNo: meta.period, issuedAt: meta.issuedAt, timeZone: meta.timeZone, dataHash: meta.dataHash });
  const l = (zh: string, en: string) => localise({ zh, en }, language, '\n');
  form.titleBlock();
  form.heading(localise({ zh: `期间 ${meta.period}：${rows.length} 件`, en: `Period ${meta.period}: ${rows.length} cases` }, language, ' / '));
  form.table({
    columns: [12, 10, 14, 10, 11, 8, 9, 12, 14],
    header: [l('编号', 'Case'), l('受理', 'Received'), l('客户 / 产品', 'Customer / product'), l('不良现象', 'Phenomenon'), l('等级 / 来源', 'Severity / origin'), l('责任部门', 'Resp. dept'), l('回复时限', 'Reply'), l('逾期 / 原因', 'Missed / reason'), l('状态 / 结案', 'Status / closed')],
    rows: rows.length
      ? rows.map((r) => {
          const reply = r.clocks.find((k) => k.id === 'reply');
          const missed = r.clocks.filter((k) => k.outcome === 'missed');
          return [
            r.caseNo,
            form.time(r.receivedAt),
            `${r.customerName}\n${r.product}`,
            r.phenomenon ?? '—',
            `${enumLabel('severity', r.severity, language)}\n${enumLabel('origin', r.origin, language)}`,
            r.responsibleDepartmentId ?? '—',
            reply ? `${form.time(reply.dueAt)}\n${enumLabel('outcome', reply.outcome, language)}` : '—',
            missed.length
              ? { text: missed.map((k) => `${k.id}: ${k.lateReason ?? '—'}`).join('\n'), color: '#b00020' }
              : '—',
            `${enumLabel('status', r.status, language)}${r.resolution ? ` (${r.resolution})` : ''}\n${r.closedAt ? form.time(r.closedAt) : ''}`,
          ];
        })
      : [[{ text: localise({ zh: '本期无案件', en: 'No cases in this period' }, language, ' / '), span: 9 }]],
    fontSize: 7,
  });
  return form.finish();
}

export async function renderMonthlyReview(meta: PeriodDocMeta, s: MonthlyStats, language: DocLanguage = 'zh'): Promise<Buffer> {
  const form = new FormBuilder({ language, title: LABELS.monthlyReview, company: meta.company, caseNo: meta.period, issuedAt: meta.issuedAt, timeZone: meta.timeZone, dataHash: meta.dataHash });
  const h = (zh: string, en: string) => form.heading(localise({ zh, en }, language, ' / '));
  const l = (zh: string, en: string) => localise({ zh, en }, language, '\n');
  form.titleBlock();
  h(`${s.month} 概况`, `${s.month} overview`);
  form.fieldGrid([
    { label: l('受理件数', 'Received'), value: String(s.received) },
    { label: l('结案件数', 'Closed'), value: String(s.closed) },
    { label: l('回复时效达标率', 'On-time reply rate'), value: `${pct(s.reply.rate)} (${s.reply.onTime}/${s.reply.total})` },
    { label: l('全部时限达标率', 'All deadlines on time'), value: `${pct(s.overall.rate)} (${s.overall.onTime}/${s.overall.total})` },
  ]);
  form.gap();
  h('时效达标率（各时限）', 'On-time rate by deadline');
  form.table({
    columns: [40, 20, 20, 20],
    header: [l('时限', 'Deadline'), l('件数', 'Count'), l('达标', 'On time'), l('达标率', 'Rate')],
    rows: s.byClock.length ? s.byClock.map((c) => [enumLabel('clock', c.clock, language), String(c.total), String(c.onTime), pct(c.rate)]) : [[{ text: '—', span: 4 }]],
    fontSize: 8,
  });
  form.gap();
  h('回复时效达标率趋势（近六个月）', 'On-time reply rate, last six months');
  rateChart(form, s.trend.map((t) => ({ label: t.month, rate: t.rate })));
  form.gap();
  h('不良现象柏拉图', 'Pareto of defect phenomena');
  paretoChart(form, s.pareto.slice(0, 10).map((p) => ({ label: p.phenomenon, count: p.count, cumulative: p.cumulative })));
  form.table({
    columns: [46, 18, 18, 18],
    header: [l('不良现象', 'Phenomenon'), l('件数', 'Count'), l('占比', 'Share'), l('累计', 'Cumulative')],
    rows: s.pareto.length ? s.pareto.map((p) => [p.phenomenon, String(p.count), pct(p.share), pct(p.cumulative)]) : [[{ text: '—', span: 4 }]],
    fontSize: 8,
  });
  form.gap();
  h('原因及对策（本月结案）', 'Causes and countermeasures (closed this month)');
  form.table({
    columns: [14, 14, 24, 20, 28],
    header: [l('编号', 'Case'), l('不良现象', 'Phenomenon'), l('发生原因', 'Occurrence cause'), l('流出原因', 'Escape cause'), l('对策', 'Countermeasures')],
    rows: s.causes.length ? s.causes.map((c) => [c.caseNo, c.phenomenon, c.occurrenceCause, c.escapeCause, c.countermeasures.join('\n') || '—']) : [[{ text: '—', span: 5 }]],
    fontSize: 7.5,
  });
  form.gap();
  h('逾期及原因', 'Missed deadlines and their reasons');
  form.table({
    columns: [20, 30, 50],
    header: [l('编号', 'Case'), l('时限', 'Deadline'), l('逾期原因', 'Late reason')],
    rows: s.missedWithReasons.length ? s.missedWithReasons.map((m) => [m.caseNo, m.clock, m.lateReason ?? '—']) : [[{ text: '—', span: 3 }]],
    fontSize: 8,
  });
  return form.finish();
}
