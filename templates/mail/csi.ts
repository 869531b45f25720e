/**
 * The quarterly satisfaction questionnaire (顾客满意度调查, §6(4)): the invitation to a
 * customer contact with their personal link, the reminder to those who have not answered,
 * and the CSI report to the QA manager (PDF attached). Chinese or English by the contact's
 * (or person's) language.
 */
import { formatDeadline, type MailLocale } from './format';
import { renderMail, type RenderedMail } from './layout';

export interface CsiInvitationInput {
  locale: MailLocale;
  kind: 'invitation' | 'reminder';
  quarter: string;
  customerName: string;
  contactName: string;
  companyName: string;
  url: string;
  closesAt: Date;
  timeZone: string;
}

export function renderCsiInvitation(i: CsiInvitationInput): RenderedMail {
  const zh = i.locale === 'zh-CN';
  const until = formatDeadline(i.closesAt, i.timeZone, i.locale);
  const reminder = i.kind === 'reminder';
  return renderMail(
    zh
      ? {
          locale: i.locale,
          subject: `${reminder ? '提醒：' : ''}${i.quarter} 顾客满意度调查 — ${i.companyName}`,
          preheader: `五个方面（质量、交期、沟通、服务与灵活性、技术支持），约三分钟，${until} 前有效`,
          tone: reminder ? 'warning' : 'info',
          kicker: '顾客满意度调查',
          heading: reminder ? `${i.quarter} 满意度调查尚未收到您的回复` : `${i.quarter} 顾客满意度调查`,
          greeting: `${i.contactName}（${i.customerName}）：您好！`,
          paragraphs: [
            reminder
              ? '我们尚未收到您本季度的满意度调查回复。您的评价对我们的改进非常重要，恳请在截止前抽出三分钟填写。'
              : '感谢贵司一直以来的支持。为持续改进，我们每季度请客户就以下五个方面评分：质量、交期、沟通、服务与灵活性、技术支持（A、A-、B+、B、B-、C、D）。',
            '此链接专属于您，只能提交一次，请勿转发。',
          ],
          facts: [
            { label: '调查期间', value: i.quarter },
            { label: '截止时间', value: until, strong: true },
          ],
          action: { label: '填写满意度调查', href: i.url },
          actionHint: '如按钮无法点击，请复制以下链接到浏览器打开：',
          footer: i.companyName,
        }
      : {
          locale: i.locale,
          subject: `${reminder ? 'Reminder: ' : ''}Customer satisfaction survey ${i.quarter} — ${i.companyName}`,
          preheader: `Five parts (quality, delivery, communication, service, technical support), about three minutes, open until ${until}`,
          tone: reminder ? 'warning' : 'info',
          kicker: 'Customer satisfaction survey',
          heading: reminder ? `We have not yet received your answer for ${i.quarter}` : `Customer satisfaction survey ${i.quarter}`,
          greeting: `Dear ${i.contactName} (${i.customerName}),`,
          paragraphs: [
            reminder
              ? 'We have not yet received your answer to this quarter’s satisfaction survey. Your view matters for our improvement; please take three minutes before it closes.'
              : 'Thank you for your business. Every quarter we ask our customers to grade us on five parts — quality, on-time delivery, communication, service and flexibility, technical support (A, A-, B+, B, B-, C, D).',
            'This link is personal and can be used once; please do not forward it.',
          ],
          facts: [
            { label: 'Period', value: i.quarter },
            { label: 'Open until', value: until, strong: true },
          ],
          action: { label: 'Answer the survey', href: i.url },
          actionHint: 'If the button does not work, copy this link into your browser:',
          footer: i.companyName,
        },
  );
}

export interface CsiReportMailInput {
  locale: MailLocale;
  quarter: string;
  recipientName: string;
  overall: string;
  responseRate: string;
  answered: number;
  sent: number;
  priorities: string;
  link: string;
  fileName: string;
  companyName: string;
}

export function renderCsiReportMail(i: CsiReportMailInput): RenderedMail {
  const zh = i.locale === 'zh-CN';
  return renderMail({
    locale: i.locale,
    subject: zh ? `顾客满意度指数 ${i.quarter}：CSI ${i.overall}，回收率 ${i.responseRate}` : `Customer satisfaction index ${i.quarter}: CSI ${i.overall}, response rate ${i.responseRate}`,
    preheader: zh ? `改善重点：${i.priorities}` : `Improvement priorities: ${i.priorities}`,
    tone: 'info',
    kicker: zh ? '季度顾客满意度' : 'Quarterly customer satisfaction',
    heading: zh ? `${i.quarter} 顾客满意度调查结果` : `Customer satisfaction ${i.quarter}`,
    greeting: zh ? `${i.recipientName}，您好：` : `Dear ${i.recipientName},`,
    paragraphs: [
      zh
        ? `本季度满意度调查已截止，报告（雷达图、各客户得分、趋势及改善重点）见附件 ${i.fileName}。`
        : `This quarter’s survey has closed; the report (radar chart, scores by customer, trend and priorities) is attached as ${i.fileName}.`,
    ],
    facts: [
      { label: 'CSI', value: i.overall, strong: true },
      { label: zh ? '回收率' : 'Response rate', value: `${i.responseRate} (${i.answered}/${i.sent})` },
      { label: zh ? '改善重点' : 'Priorities', value: i.priorities },
    ],
    action: { label: zh ? '查看满意度页面' : 'Open the satisfaction page', href: i.link },
    actionHint: zh ? '如按钮无法点击，请复制以下链接到浏览器打开：' : 'If the button does not work, copy this link into your browser:',
    footer: i.companyName,
  });
}
