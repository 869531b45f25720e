/**
 * Escalation to the QA manager(s) when a message could not be delivered within the give-up
 * age (MAIL_GIVE_UP_AFTER): which message, to whom, since when, and the last error, so
 * somebody contacts the recipient another way.
 */
import { formatDeadline, humaniseDuration, MailLocale } from './format';
import { MailLayout, RenderedMail, renderMail } from './layout';

export interface UndeliverableInput {
  locale: MailLocale;
  recipientName: string;
  /** Case number, or null for a message about no single case (a digest). */
  caseNo: string | null;
  /** Kind of the undeliverable message: reminder, escalation, digest, customer_reply, … */
  kind: string;
  subject: string;
  to: string[];
  firstAttemptAt: Date;
  now: Date;
  attempts: number;
  lastError: string;
  timeZone: string;
  link: string;
}

export function renderUndeliverable(input: UndeliverableInput): RenderedMail {
  const zh = input.locale === 'zh-CN';
  const since = formatDeadline(input.firstAttemptAt, input.timeZone, input.locale);
  const age = humaniseDuration(input.now.getTime() - input.firstAttemptAt.getTime(), input.locale);
  const to = input.to.join(', ') || '—';
  const lastError = input.lastError.length > 300 ? `${input.lastError.slice(0, 300)}…` : input.lastError;
  const layout: MailLayout = zh
    ? {
        locale: input.locale,
        subject: `【邮件无法投递】${input.caseNo ? `${input.caseNo} ` : ''}${input.subject}`,
        preheader: `发往 ${to} 的邮件已尝试 ${age}，仍无法投递`,
        tone: 'danger',
        kicker: '邮件无法投递',
        heading: '一封系统邮件无法投递',
        greeting: `${input.recipientName}，您好：`,
        paragraphs: [
          `系统自 ${since} 起尝试发送以下邮件，历时 ${age}、共 ${input.attempts} 次，仍未成功，已停止重试。`,
          '请通过电话等其他方式通知收件人，并检查邮件服务器或收件地址。',
        ],
        facts: [
          ...(input.caseNo ? [{ label: '案件编号', value: input.caseNo }] : []),
          { label: '邮件类型', value: input.kind },
          { label: '主题', value: input.subject },
          { label: '收件人', value: to, strong: true },
          { label: '首次尝试', value: since },
          { label: '尝试次数', value: String(input.attempts) },
          { label: '最后错误', value: lastError },
        ],
        action: { label: input.caseNo ? '查看案件' : '打开客诉系统', href: input.link },
        actionHint: '如按钮无法点击，请复制以下链接到浏览器打开：',
        footer: '此邮件由客户抱怨管理系统自动发送，请勿直接回复。',
      }
    : {
        locale: input.locale,
        subject: `[Undeliverable] ${input.caseNo ? `${input.caseNo}: ` : ''}${input.subject}`,
        preheader: `A message to ${to} could not be delivered for ${age}`,
        tone: 'danger',
        kicker: 'Undeliverable message',
        heading: 'A system message could not be delivered',
        greeting: `Hello ${input.recipientName},`,
        paragraphs: [
          `Since ${since} the system has tried to send the message below, ${input.attempts} time(s) over ${age}, without success, and has stopped retrying.`,
          'Please tell the recipient another way (e.g. by phone) and check the mail server or the address.',
        ],
        facts: [
          ...(input.caseNo ? [{ label: 'Case', value: input.caseNo }] : []),
          { label: 'Kind', value: input.kind },
          { label: 'Subject', value: input.subject },
          { label: 'To', value: to, strong: true },
          { label: 'First attempt', value: since },
          { label: 'Attempts', value: String(input.attempts) },
          { label: 'Last error', value: lastError },
        ],
        action: { label: input.caseNo ? 'Open the case' : 'Open the complaint system', href: input.link },
        actionHint: 'If the button does not work, copy this link into your browser:',
        footer: 'This message was sent automatically by the customer complaint system. Please do not reply to it.',
      };
  return renderMail(layout);
}
