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
} as const satisfies Record<string, LocalisedLabel>;

export type ClockName = keyof typeof CLOCK_LABELS;

export function isClockName(clock: string): clock is ClockName {
  return Object.prototype.hasOwnProperty.call(CLOCK_LABELS, clock);
}

/** The label of a clock; a clock the policy added without a label is shown by its name. */
export function clockLabel(clock: string, locale: MailLocale): string {
  return isClockName(clock) ? CLOCK_LABELS[clock][locale] : clock;
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
