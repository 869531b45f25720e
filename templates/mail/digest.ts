/**
 * The daily digest (每日待办) to one person: every step they own that is overdue, due today
 * or due tomorrow (days in the recipient's time zone), each with a link to its case.
 */
import { formatDeadline, humaniseDuration, MailLocale } from './format';
import { MailLayout, MailSectionItem, RenderedMail, renderMail } from './layout';

export interface DigestItem {
  caseNo: string;
  customerName: string;
  product: string;
  /** Label of the step in the recipient's locale. */
  clockLabel: string;
  dueAt: Date;
  /** Absolute http(s) link to the case (PUBLIC_URL + /cases/<caseNo>). */
  link: string;
}

export interface DigestInput {
  locale: MailLocale;
  recipientName: string;
  /** The digest's day, YYYY-MM-DD in `timeZone`. */
  date: string;
  timeZone: string;
  /** The moment "overdue" is measured against (the digest's send time). */
  asOf: Date;
  overdue: DigestItem[];
  today: DigestItem[];
  tomorrow: DigestItem[];
  /** Absolute link to the application's start page. */
  homeLink: string;
}

export function renderDigest(input: DigestInput): RenderedMail {
  const { locale } = input;
  const zhLocale = locale === 'zh-CN';
  const sortByDue = (items: DigestItem[]) => [...items].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.caseNo.localeCompare(b.caseNo));
  const item = (i: DigestItem, overdue: boolean): MailSectionItem => ({
    title: `${i.caseNo} · ${i.clockLabel}`,
    href: i.link,
    details: [`${i.customerName} · ${i.product}`, `${zhLocale ? '截止时间：' : 'Due: '}${formatDeadline(i.dueAt, input.timeZone, locale)}`],
    badge: overdue
      ? zhLocale
        ? `逾期 ${humaniseDuration(input.asOf.getTime() - i.dueAt.getTime(), locale)}`
        : `overdue by ${humaniseDuration(input.asOf.getTime() - i.dueAt.getTime(), locale)}`
      : undefined,
  });
  const overdue = sortByDue(input.overdue).map((i) => item(i, true));
  const today = sortByDue(input.today).map((i) => item(i, false));
  const tomorrow = sortByDue(input.tomorrow).map((i) => item(i, false));
  const n = { overdue: overdue.length, today: today.length, tomorrow: tomorrow.length };
  const tone = n.overdue ? 'danger' : n.today ? 'warning' : 'info';
  return renderMail(zhLocale ? zh() : en());

  function zh(): MailLayout {
    const summary = `逾期 ${n.overdue} 项，今日到期 ${n.today} 项，明日到期 ${n.tomorrow} 项`;
    return {
      locale,
      subject: `【每日待办】${input.date}：${summary}`,
      preheader: summary,
      tone,
      kicker: '每日待办',
      heading: `${input.date} 客诉待办事项`,
      greeting: `${input.recipientName}，您好：`,
      paragraphs: [
        `以下是由您负责的客诉案件步骤：${summary}。`,
        n.overdue ? '逾期事项请尽快完成，并在系统中填写逾期原因；无法按期完成的，须在到期前征得客户同意并登记新的期限。' : '请在期限前完成各步骤。',
      ],
      facts: [
        { label: '日期', value: `${input.date}（${input.timeZone}）` },
        { label: '已逾期', value: `${n.overdue} 项`, strong: n.overdue > 0 },
        { label: '今日到期', value: `${n.today} 项` },
        { label: '明日到期', value: `${n.tomorrow} 项` },
      ],
      sections: [
        { title: '已逾期', tone: 'danger', items: overdue },
        { title: '今日到期', tone: 'warning', items: today, empty: '无' },
        { title: '明日到期', tone: 'info', items: tomorrow, empty: '无' },
      ],
      action: { label: '打开客诉系统', href: input.homeLink },
      actionHint: '如按钮无法点击，请复制以下链接到浏览器打开：',
      footer: '此邮件由客户抱怨管理系统每日自动发送，请勿直接回复。',
    };
  }

  function en(): MailLayout {
    const summary = `${n.overdue} overdue, ${n.today} due today, ${n.tomorrow} due tomorrow`;
    return {
      locale,
      subject: `[Daily digest] ${input.date}: ${summary}`,
      preheader: summary,
      tone,
      kicker: 'Daily digest',
      heading: `Complaint steps for ${input.date}`,
      greeting: `Hello ${input.recipientName},`,
      paragraphs: [
        `These complaint case steps are yours: ${summary}.`,
        n.overdue
          ? 'Please complete overdue steps as soon as possible and record the reason for the delay. If a deadline cannot be met, ask the customer to agree to a new date before it passes and record it.'
          : 'Please complete each step before its deadline.',
      ],
      facts: [
        { label: 'Date', value: `${input.date} (${input.timeZone})` },
        { label: 'Overdue', value: String(n.overdue), strong: n.overdue > 0 },
        { label: 'Due today', value: String(n.today) },
        { label: 'Due tomorrow', value: String(n.tomorrow) },
      ],
      sections: [
        { title: 'Overdue', tone: 'danger', items: overdue },
        { title: 'Due today', tone: 'warning', items: today, empty: 'Nothing' },
        { title: 'Due tomorrow', tone: 'info', items: tomorrow, empty: 'Nothing' },
      ],
      action: { label: 'Open the complaint system', href: input.homeLink },
      actionHint: 'If the button does not work, copy this link into your browser:',
      footer: 'This daily message was sent automatically by the customer complaint system. Please do not reply to it.',
    };
  }
}
