/**
 * Mail to the customer: the reply letter (客户品质/环境抱怨回馈, §5.4) with the signed PDF
 * attached, and the satisfaction request after closure (二度满意, §6(4)). Written as a
 * letter from the company and the case's sales contact, not as a system notice.
 */
import type { MailLocale } from './format';
import { MailLayout, RenderedMail, renderMail } from './layout';

export interface CustomerLetterBase {
  locale: MailLocale;
  /** The customer company. */
  customerName: string;
  /** Contact person or department at the customer, if recorded. */
  customerContact?: string | null;
  caseNo: string;
  product: string;
  /** Our company, in the letter's language. */
  companyName: string;
  /** The case's sales contact, who signs the letter. */
  senderName: string;
  senderEmail: string;
}

export interface CustomerReplyInput extends CustomerLetterBase {
  /** File name of the attached reply document. */
  fileName: string;
}

export interface SatisfactionRequestInput extends CustomerLetterBase {
  /** Absolute http(s) link to the survey. */
  surveyUrl: string;
}

function salutation(input: CustomerLetterBase): string {
  const who = input.customerContact?.trim() ? `${input.customerName}（${input.customerContact.trim()}）` : input.customerName;
  if (input.locale === 'zh-CN') return `${who}：您好！`;
  const whoEn = input.customerContact?.trim() ? `${input.customerName} (${input.customerContact.trim()})` : input.customerName;
  return `Dear ${whoEn},`;
}

export function renderCustomerReply(input: CustomerReplyInput): RenderedMail {
  const zh = input.locale === 'zh-CN';
  const layout: MailLayout = zh
    ? {
        locale: input.locale,
        subject: `客户品质抱怨回馈 ${input.caseNo}（${input.product}）— ${input.companyName}`,
        preheader: `关于贵司反映的 ${input.product} 问题，附上我司的处理回馈`,
        tone: 'info',
        kicker: '客户品质/环境抱怨回馈',
        heading: `${input.caseNo} 抱怨处理回馈`,
        greeting: salutation(input),
        paragraphs: [
          `感谢贵司就 ${input.product} 向我司反映问题。我司已完成原因分析并制定了纠正及预防对策，详见附件《客户品质/环境抱怨回馈》（${input.fileName}）。`,
          '改善后的产品交付后，我司营业人员将与贵司确认对策效果。如有任何疑问，请直接回复本邮件或联系下列联系人。',
        ],
        facts: [
          { label: '案件编号', value: input.caseNo },
          { label: '产品/型号', value: input.product },
          { label: '附件', value: input.fileName },
          { label: '联系人', value: `${input.senderName} <${input.senderEmail}>` },
        ],
        actionHint: '',
        footer: `${input.companyName} · ${input.senderName}`,
      }
    : {
        locale: input.locale,
        subject: `Reply to your complaint ${input.caseNo} (${input.product}) — ${input.companyName}`,
        preheader: `Our reply to the problem you reported with ${input.product}`,
        tone: 'info',
        kicker: 'Customer complaint reply',
        heading: `Reply to complaint ${input.caseNo}`,
        greeting: salutation(input),
        paragraphs: [
          `Thank you for reporting the problem with ${input.product}. We have analysed its cause and decided corrective and preventive actions; please find them in the attached complaint reply (${input.fileName}).`,
          'Once goods made under these actions have been delivered, our sales contact will ask you whether they are effective. If you have any questions, reply to this message or contact the person below.',
        ],
        facts: [
          { label: 'Case', value: input.caseNo },
          { label: 'Product / model', value: input.product },
          { label: 'Attachment', value: input.fileName },
          { label: 'Contact', value: `${input.senderName} <${input.senderEmail}>` },
        ],
        actionHint: '',
        footer: `${input.companyName} · ${input.senderName}`,
      };
  return renderMail(layout);
}

export function renderSatisfactionRequest(input: SatisfactionRequestInput): RenderedMail {
  const zh = input.locale === 'zh-CN';
  const layout: MailLayout = zh
    ? {
        locale: input.locale,
        subject: `满意度调查：抱怨案件 ${input.caseNo}（${input.product}）已结案 — ${input.companyName}`,
        preheader: '请花一分钟告诉我们处理结果是否符合您的期望',
        tone: 'info',
        kicker: '客户满意度调查',
        heading: `${input.caseNo} 已结案，请您评价`,
        greeting: salutation(input),
        paragraphs: [
          `贵司反映的 ${input.product} 问题（案件编号 ${input.caseNo}）已处理完毕并结案。`,
          '为持续改进，恳请您花一分钟告诉我们：处理结果是否符合您的期望？处理速度和沟通是否令您满意？',
        ],
        facts: [
          { label: '案件编号', value: input.caseNo },
          { label: '产品/型号', value: input.product },
          { label: '联系人', value: `${input.senderName} <${input.senderEmail}>` },
        ],
        action: { label: '填写满意度调查', href: input.surveyUrl },
        actionHint: '如按钮无法点击，请复制以下链接到浏览器打开：',
        footer: `${input.companyName} · ${input.senderName}`,
      }
    : {
        locale: input.locale,
        subject: `How did we do? Complaint ${input.caseNo} (${input.product}) is closed — ${input.companyName}`,
        preheader: 'One minute to tell us whether the outcome met your expectations',
        tone: 'info',
        kicker: 'Customer satisfaction',
        heading: `Complaint ${input.caseNo} is closed`,
        greeting: salutation(input),
        paragraphs: [
          `The problem you reported with ${input.product} (case ${input.caseNo}) has been resolved and the case is closed.`,
          'To keep improving, please take a minute to tell us whether the outcome met your expectations and how you found our speed and communication.',
        ],
        facts: [
          { label: 'Case', value: input.caseNo },
          { label: 'Product / model', value: input.product },
          { label: 'Contact', value: `${input.senderName} <${input.senderEmail}>` },
        ],
        action: { label: 'Answer the survey', href: input.surveyUrl },
        actionHint: 'If the button does not work, copy this link into your browser:',
        footer: `${input.companyName} · ${input.senderName}`,
      };
  return renderMail(layout);
}
