/**
 * Human labels for the deadline clocks and the escalation levels of the complaint procedure
 * (see shared/spec/complaint-procedure.md, "Deadlines"), in both mail locales.
 */
import type { MailLocale } from './format';

export type LocalisedLabel = Record<MailLocale, string>;

export const CLOCK_LABELS = {
  first_contact: { 'zh-CN': '首次联络客户', en: 'First contact with the customer' },
  preliminary_analysis: { 'zh-CN': '初步分析及会议', en: 'Preliminary analysis and meeting' },
  capa_plan: { 'zh-CN': '临时对策及纠正预防计划', en: 'Containment and CAPA plan' },
  reply: { 'zh-CN': '回复客户', en: 'Reply to the customer' },
  potential_cause_report: { 'zh-CN': '潜在失效原因分析报告', en: 'Potential failure cause analysis report' },
  root_cause_analysis: { 'zh-CN': '真因分析（再现/深入分析）', en: 'Root-cause analysis (reproduction / deeper analysis)' },
  capa_approval: { 'zh-CN': '品保主管核准对策', en: 'QA-manager approval of the countermeasures' },
  countermeasure: { 'zh-CN': '对策实施及效果', en: 'Countermeasure implementation and effect' },
  effect_confirmation: { 'zh-CN': '客户端对策效果确认', en: 'Effect confirmed at the customer' },
  verification: { 'zh-CN': '品保效果验证', en: 'QA verification of effectiveness' },
  closure: { 'zh-CN': '结案核准', en: 'Closure approval' },
  compensation_approval: { 'zh-CN': '理赔核准', en: 'Compensation approval' },
  rpr_proposal: { 'zh-CN': '预防再发对策提出', en: 'Recurrence prevention: proposal' },
  rpr_approval: { 'zh-CN': '预防再发对策核准', en: 'Recurrence prevention: approval' },
  rpr_implementation: { 'zh-CN': '预防再发对策实施', en: 'Recurrence prevention: implementation' },
  rpr_effect: { 'zh-CN': '预防再发效果记录', en: 'Recurrence prevention: effect' },
  rpr_verification: { 'zh-CN': '预防再发效果验证', en: 'Recurrence prevention: verification' },
  satisfaction_followup: { 'zh-CN': '客户不满意跟进', en: 'Follow-up of a dissatisfied customer' },
} as const satisfies Record<string, LocalisedLabel>;

export type ClockName = keyof typeof CLOCK_LABELS;

export function isClockName(clock: string): clock is ClockName {
  return Object.prototype.hasOwnProperty.call(CLOCK_LABELS, clock);
}

/** The label of a clock; a clock the policy added without a label is shown by its name. */
export function clockLabel(clock: string, locale: MailLocale): string {
  // A clock id may carry its round and reference: "capa_plan#2", "countermeasure:P1".
  const m = /^([a-z_]+)(?:#(\d+))?(?::(.+))?$/.exec(clock);
  if (!m || !isClockName(m[1])) return clock;
  const round = m[2] ? (locale === 'zh-CN' ? `（第 ${m[2]} 轮）` : ` (round ${m[2]})`) : '';
  return `${CLOCK_LABELS[m[1]][locale]}${m[3] ? ` ${m[3]}` : ''}${round}`;
}

/** Escalation chain after the owner: level 1 → QA manager, level 2 → management representative. */
export const ESCALATION_LEVEL_LABELS = {
  1: { 'zh-CN': '品保主管', en: 'QA manager' },
  2: { 'zh-CN': '管理代表', en: 'management representative' },
} as const satisfies Record<number, LocalisedLabel>;

export type EscalationLevel = keyof typeof ESCALATION_LEVEL_LABELS;

export function escalationLevelLabel(level: number, locale: MailLocale): string {
  if (level === 1 || level === 2) return ESCALATION_LEVEL_LABELS[level][locale];
  return locale === 'zh-CN' ? `第 ${level} 级升级` : `escalation level ${level}`;
}
