/**
 * Deadline reminder to the owner of a step (usually sales): what is due, for which case,
 * when (in the recipient's time zone), how long is left, and a link straight to the step.
 * If the message is rendered after the deadline (a delayed reminder), it says so instead of
 * showing a time left.
 */
import { clockLabel as defaultClockLabel } from './clock-labels';
import { formatDeadline, humaniseDuration, MailLocale } from './format';
import { MailLayout, RenderedMail, renderMail } from './layout';

export interface ReminderInput {
  locale: MailLocale;
  recipientName: string;
  caseNo: string;
  customerName: string;
  product: string;
  /** Clock name, e.g. 'first_contact'. */
  clock: string;
  /** Label of the clock in the recipient's locale; empty → the built-in label for `clock`. */
  clockLabel: string;
  dueAt: Date;
  now: Date;
  /** IANA time zone of the recipient, e.g. 'Asia/Shanghai'. */
  timeZone: string;
  /** Absolute http(s) link to the step in the web app. */
  link: string;
}

export function renderReminder(input: ReminderInput): RenderedMail {
  const { locale } = input;
  const label = input.clockLabel.trim() || defaultClockLabel(input.clock, locale);
  const due = formatDeadline(input.dueAt, input.timeZone, locale);
  const leftMs = input.dueAt.getTime() - input.now.getTime();
  const overdue = leftMs <= 0;
  const span = humaniseDuration(leftMs, locale);
  return renderMail(locale === 'zh-CN' ? zh() : en());

  function zh(): MailLayout {
    return {
      locale,
      subject: overdue
        ? `【期限提醒】${input.caseNo} ${label}已到期（逾期 ${span}）`
        : `【期限提醒】${input.caseNo} ${label}，剩余 ${span}`,
      preheader: `${label}截止时间：${due}`,
      tone: overdue ? 'danger' : 'warning',
      kicker: '期限提醒',
      heading: `${label}${overdue ? '已到期' : '即将到期'}`,
      greeting: `${input.recipientName}，您好：`,
      paragraphs: overdue
        ? [
            `客诉案件 ${input.caseNo} 的「${label}」已于 ${due} 到期，目前已逾期 ${span}。`,
            '请尽快完成此步骤，并在系统中填写逾期原因。',
          ]
        : [
            `客诉案件 ${input.caseNo} 的「${label}」将于 ${due} 到期，剩余 ${span}。`,
            '请在期限前完成此步骤。如确实无法按期完成，须在到期前征得客户同意并在系统中登记新的期限。',
          ],
      facts: [
        { label: '案件编号', value: input.caseNo },
        { label: '客户', value: input.customerName },
        { label: '产品/型号', value: input.product },
        { label: '待办事项', value: label },
        { label: '截止时间', value: due, strong: true },
        overdue ? { label: '已逾期', value: span, strong: true } : { label: '剩余时间', value: span, strong: true },
      ],
      action: { label: '立即处理', href: input.link },
      actionHint: '如按钮无法点击，请复制以下链接到浏览器打开：',
      footer: '此邮件由客户抱怨管理系统自动发送，请勿直接回复。',
    };
  }

  function en(): MailLayout {
    return {
      locale,
      subject: overdue
        ? `[Reminder] ${input.caseNo}: ${label} is overdue by ${span}`
        : `[Reminder] ${input.caseNo}: ${label} due in ${span}`,
      preheader: `${label} is due ${due}`,
      tone: overdue ? 'danger' : 'warning',
      kicker: 'Deadline reminder',
      heading: overdue ? `${label} is overdue` : `${label} is due soon`,
      greeting: `Hello ${input.recipientName},`,
      paragraphs: overdue
        ? [
            `“${label}” for complaint case ${input.caseNo} was due ${due} and is now ${span} overdue.`,
            'Please complete the step as soon as possible and record the reason for the delay.',
          ]
        : [
            `“${label}” for complaint case ${input.caseNo} is due ${due}: ${span} left.`,
            'Please complete the step before the deadline. If it cannot be met, ask the customer to agree to a new date before the deadline passes and record it in the system.',
          ],
      facts: [
        { label: 'Case', value: input.caseNo },
        { label: 'Customer', value: input.customerName },
        { label: 'Product / model', value: input.product },
        { label: 'Step', value: label },
        { label: 'Due', value: due, strong: true },
        overdue ? { label: 'Overdue by', value: span, strong: true } : { label: 'Time left', value: span, strong: true },
      ],
      action: { label: 'Open the step', href: input.link },
      actionHint: 'If the button does not work, copy this link into your browser:',
      footer: 'This message was sent automatically by the customer complaint system. Please do not reply to it.',
    };
  }
}
