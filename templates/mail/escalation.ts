/**
 * Escalation of a missed deadline (owner → QA manager → management representative):
 * who missed what, when it was due, by how much it is overdue, and the escalation level.
 */
import { escalationLevelLabel } from './clock-labels';
import { formatDeadline, humaniseDuration, MailLocale } from './format';
import { MailLayout, RenderedMail, renderMail } from './layout';

export interface EscalationInput {
  locale: MailLocale;
  recipientName: string;
  caseNo: string;
  customerName: string;
  product: string;
  clockLabel: string;
  dueAt: Date;
  now: Date;
  /** IANA time zone of the recipient. */
  timeZone: string;
  /** The person who owned the missed step. */
  ownerName: string;
  /** 1 = QA manager, 2 = management representative, … */
  level: number;
  /** Label of the level in the recipient's locale; empty → the built-in label. */
  levelLabel: string;
  /** Absolute http(s) link to the case / step. */
  link: string;
}

export function renderEscalation(input: EscalationInput): RenderedMail {
  const { locale } = input;
  if (!Number.isInteger(input.level) || input.level < 1) throw new RangeError(`renderEscalation: invalid level ${input.level}`);
  const levelLabel = input.levelLabel.trim() || escalationLevelLabel(input.level, locale);
  const label = input.clockLabel;
  const due = formatDeadline(input.dueAt, input.timeZone, locale);
  const overdue = humaniseDuration(Math.max(0, input.now.getTime() - input.dueAt.getTime()), locale);
  return renderMail(locale === 'zh-CN' ? zh() : en());

  function zh(): MailLayout {
    return {
      locale,
      subject: `【逾期升级·${levelLabel}】${input.caseNo} ${label}已逾期 ${overdue}`,
      preheader: `${input.ownerName} 负责的「${label}」已于 ${due} 到期，逾期 ${overdue}`,
      tone: 'danger',
      kicker: `逾期升级 · 第 ${input.level} 级（${levelLabel}）`,
      heading: `${input.caseNo} ${label}已逾期`,
      greeting: `${input.recipientName}，您好：`,
      paragraphs: [
        `客诉案件 ${input.caseNo} 的「${label}」由 ${input.ownerName} 负责，已于 ${due} 到期，至今仍未完成，已逾期 ${overdue}。`,
        `按期限升级规则，此事项已升级至第 ${input.level} 级（${levelLabel}）。请跟进处理，并确认逾期原因已记录在案。`,
      ],
      facts: [
        { label: '案件编号', value: input.caseNo },
        { label: '客户', value: input.customerName },
        { label: '产品/型号', value: input.product },
        { label: '逾期事项', value: label },
        { label: '负责人', value: input.ownerName },
        { label: '截止时间', value: due },
        { label: '已逾期', value: overdue, strong: true },
        { label: '升级级别', value: `第 ${input.level} 级（${levelLabel}）` },
      ],
      action: { label: '查看案件', href: input.link },
      actionHint: '如按钮无法点击，请复制以下链接到浏览器打开：',
      footer: '此邮件由客户抱怨管理系统自动发送，请勿直接回复。',
    };
  }

  function en(): MailLayout {
    return {
      locale,
      subject: `[Escalation: ${levelLabel}] ${input.caseNo}: ${label} overdue by ${overdue}`,
      preheader: `${input.ownerName} missed “${label}”, due ${due}, now ${overdue} overdue`,
      tone: 'danger',
      kicker: `Escalation level ${input.level} (${levelLabel})`,
      heading: `${input.caseNo}: ${label} is overdue`,
      greeting: `Hello ${input.recipientName},`,
      paragraphs: [
        `${input.ownerName} has not completed “${label}” for complaint case ${input.caseNo}. It was due ${due} and is now ${overdue} overdue.`,
        `Under the escalation rules the step has been escalated to level ${input.level} (${levelLabel}). Please follow up and make sure the reason for the delay is recorded.`,
      ],
      facts: [
        { label: 'Case', value: input.caseNo },
        { label: 'Customer', value: input.customerName },
        { label: 'Product / model', value: input.product },
        { label: 'Missed step', value: label },
        { label: 'Owner', value: input.ownerName },
        { label: 'Due', value: due },
        { label: 'Overdue by', value: overdue, strong: true },
        { label: 'Escalation level', value: `${input.level} (${levelLabel})` },
      ],
      action: { label: 'Open the case', href: input.link },
      actionHint: 'If the button does not work, copy this link into your browser:',
      footer: 'This message was sent automatically by the customer complaint system. Please do not reply to it.',
    };
  }
}
