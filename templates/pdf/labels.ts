/**
 * The zh / en wording of the official documents: fixed labels, and the translation of the
 * stored enum codes (category, severity, origin, channel, clock, outcome …).
 * Chinese wording follows the regulation (客户抱怨管理规定, seed 003 part 篇7).
 */
import type { DocLanguage } from './types';

export interface Localised {
  zh: string;
  en: string;
}

/** Fixed labels used by the form kit and the forms. */
export const LABELS = {
  // form titles
  marketQualityReport: { zh: '市场品质异常处理报告', en: 'Market Quality Abnormality Report' },
  recurrencePreventionReport: { zh: '预防再发处理报告', en: 'Recurrence Prevention Report' },
  complaintReply: { zh: '客户品质/环境抱怨回馈', en: 'Customer Quality/Environmental Complaint Reply' },
  communicationForm: { zh: '内外部沟通处理单', en: 'Internal/External Communication Form' },
  potentialFailureReport: { zh: '潜在失效原因分析报告', en: 'Potential Failure Cause Analysis Report' },
  qualityRegister: { zh: '市场品质异常管理表', en: 'Market Quality Abnormality Register' },
  monthlyReview: { zh: '品质检讨会议资料', en: 'Monthly Quality Review' },
  auditTrail: { zh: '审计追踪', en: 'Case Audit Trail' },

  // title block, running header and footer
  logo: { zh: '公司标志', en: 'LOGO' },
  docNo: { zh: '文件编号', en: 'Doc. No.' },
  revision: { zh: '版次', en: 'Rev.' },
  caseNo: { zh: '案件编号', en: 'Case No.' },
  page: { zh: '页次', en: 'Page' },
  dataHash: { zh: '数据指纹', en: 'data hash' },
  generatedAt: { zh: '生成时间', en: 'generated' },
  continued: { zh: '续', en: 'cont.' },

  // signatures
  signer: { zh: '签署人', en: 'Signer' },
  signedAt: { zh: '签署时间', en: 'Signed at' },
  meaning: { zh: '签署含义', en: 'Meaning' },
  notSigned: { zh: '未签署', en: 'not yet signed' },

  // market quality report: sections
  sectionCase: { zh: '案件信息', en: 'Case' },
  sectionCustomer: { zh: '客户及产品', en: 'Customer and product' },
  sectionClassification: { zh: '抱怨分类', en: 'Complaint classification' },
  sectionDescription: { zh: '不良状况描述', en: 'Description of the abnormality' },
  sectionDeadlines: { zh: '处理时效', en: 'Deadlines' },
  sectionHistory: { zh: '处理记录', en: 'History' },
  sectionSignatures: { zh: '签核', en: 'Signatures' },

  // market quality report: fields
  version: { zh: '版本', en: 'Version' },
  issuedAt: { zh: '发行时间', en: 'Issued at' },
  timeZone: { zh: '时区', en: 'Time zone' },
  status: { zh: '状态', en: 'Status' },
  step: { zh: '当前步骤', en: 'Current step' },
  customerName: { zh: '客户名称', en: 'Customer' },
  customerContact: { zh: '客户联络人', en: 'Customer contact' },
  product: { zh: '产品/型号', en: 'Product / model' },
  lot: { zh: '批号', en: 'Lot' },
  quantity: { zh: '数量', en: 'Quantity' },
  channel: { zh: '反映方式', en: 'Channel' },
  receivedAt: { zh: '接收时间', en: 'Received at' },
  salesRep: { zh: '营业担当', en: 'Sales representative' },
  category: { zh: '抱怨类别', en: 'Category' },
  severity: { zh: '紧急程度', en: 'Severity' },
  origin: { zh: '异常来源', en: 'Origin' },
  sampleExpected: { zh: '不良样品', en: 'Defective sample' },
  sampleYes: { zh: '有（寄回分析）', en: 'yes, will be returned' },
  sampleNo: { zh: '无', en: 'no' },
  none: { zh: '—', en: '—' },
  noEntries: { zh: '（无）', en: '(none)' },

  // deadline table
  clock: { zh: '时效项目', en: 'Clock' },
  startedAt: { zh: '起算', en: 'Started' },
  dueAt: { zh: '期限', en: 'Due' },
  stoppedAt: { zh: '完成', en: 'Done' },
  outcome: { zh: '结果', en: 'Outcome' },
  lateReason: { zh: '逾期原因', en: 'Late reason' },

  // history table
  time: { zh: '时间', en: 'Time' },
  actor: { zh: '人员', en: 'Actor' },
  event: { zh: '事件', en: 'Event' },
  details: { zh: '说明', en: 'Details' },
} as const satisfies Record<string, Localised>;

export type LabelKey = keyof typeof LABELS;

/** Translations of stored codes, by kind. Unknown codes are shown as stored (see `enumLabel`). */
export const ENUM_LABELS = {
  category: {
    quality: { zh: '品质', en: 'Quality' },
    environmental: { zh: '环境', en: 'Environmental' },
    installation_usage: { zh: '安装或使用', en: 'Installation or usage' },
  },
  severity: {
    urgent: { zh: '急件', en: 'Urgent' },
    normal: { zh: '一般件', en: 'Normal' },
  },
  origin: {
    own_plant: { zh: '本厂', en: 'Own plant' },
    supplier: { zh: '它厂', en: 'Supplier / other plant' },
  },
  channel: {
    phone: { zh: '电话', en: 'Phone' },
    email: { zh: '电子邮件', en: 'E-mail' },
    visit: { zh: '拜访', en: 'Visit' },
    web: { zh: '网站', en: 'Web' },
    hotline: { zh: '800专线', en: '800 hotline' },
  },
  clock: {
    first_contact: { zh: '首次联络', en: 'First contact' },
    preliminary_analysis: { zh: '初步分析及会议', en: 'Preliminary analysis and meeting' },
    capa_plan: { zh: '临时对策及纠正预防计划', en: 'Containment and CAPA plan' },
    containment: { zh: '临时对策', en: 'Containment' },
    reply: { zh: '回复客户', en: 'Reply to the customer' },
    reply_urgent: { zh: '回复客户（急件）', en: 'Reply (urgent)' },
    reply_normal: { zh: '回复客户（一般件）', en: 'Reply (normal)' },
    reply_supplier: { zh: '回复客户（它厂）', en: 'Reply (supplier defect)' },
    potential_cause_report: { zh: '潜在失效原因分析报告', en: 'Potential failure cause report' },
    verification: { zh: '效果确认', en: 'Effectiveness check' },
    monthly_statistics: { zh: '月度统计', en: 'Monthly statistics' },
    satisfaction_survey: { zh: '满意度调查', en: 'Satisfaction survey' },
  },
  outcome: {
    met: { zh: '达成', en: 'Met' },
    met_after_extension: { zh: '延期后达成', en: 'Met after extension' },
    missed: { zh: '逾期', en: 'Missed' },
    open: { zh: '进行中', en: 'Open' },
  },
  status: {
    open: { zh: '处理中', en: 'Open' },
    in_progress: { zh: '处理中', en: 'In progress' },
    on_hold: { zh: '暂停', en: 'On hold' },
    closed: { zh: '已结案', en: 'Closed' },
    cancelled: { zh: '已取消', en: 'Cancelled' },
  },
  step: {
    intake: { zh: '受理', en: 'Intake' },
    answered_on_site: { zh: '现场答复', en: 'Answered on site' },
    awaiting_sample: { zh: '等待样品', en: 'Awaiting sample' },
    analysis: { zh: '调查分析', en: 'Analysis' },
    containment: { zh: '临时对策', en: 'Containment' },
    capa: { zh: '矫正及预防措施', en: 'Corrective and preventive action' },
    approval: { zh: '对策核准', en: 'Countermeasure approval' },
    implementation: { zh: '对策实施', en: 'Implementation' },
    reply: { zh: '答复客户', en: 'Reply to the customer' },
    verification: { zh: '效果确认', en: 'Verification' },
    closed: { zh: '结案', en: 'Closed' },
  },
  role: {
    sales: { zh: '营业', en: 'Sales' },
    qa: { zh: '品保', en: 'QA' },
    qa_engineer: { zh: '品保', en: 'QA' },
    qa_manager: { zh: '品保主管', en: 'QA manager' },
    responsible_department: { zh: '责任部门', en: 'Responsible department' },
    general_affairs: { zh: '总务', en: 'General affairs' },
    management_representative: { zh: '管理代表', en: 'Management representative' },
    auditor: { zh: '审核员', en: 'Auditor' },
  },
  meaning: {
    prepared: { zh: '填写', en: 'Prepared' },
    reviewed: { zh: '审核', en: 'Reviewed' },
    analysed: { zh: '分析', en: 'Analysed' },
    approved: { zh: '核准', en: 'Approved' },
    verified: { zh: '确认', en: 'Verified' },
    closed: { zh: '结案', en: 'Closed' },
  },
  event: {
    received: { zh: '受理抱怨', en: 'Complaint received' },
    classified: { zh: '分类', en: 'Classified' },
    contacted: { zh: '联络客户', en: 'Customer contacted' },
    sample_received: { zh: '收到样品', en: 'Sample received' },
    handed_to_qa: { zh: '转交品保', en: 'Handed to QA' },
    analysis_recorded: { zh: '登录分析结果', en: 'Analysis recorded' },
    meeting_held: { zh: '召开检讨会议', en: 'Meeting held' },
    containment_recorded: { zh: '登录临时对策', en: 'Containment recorded' },
    countermeasure_approved: { zh: '对策核准', en: 'Countermeasure approved' },
    deadline_extended: { zh: '期限延长（客户同意）', en: 'Deadline extended (customer consent)' },
    reminder_sent: { zh: '发送提醒', en: 'Reminder sent' },
    escalated: { zh: '逾期升级', en: 'Escalated' },
    reply_sent: { zh: '回复客户', en: 'Reply sent' },
    document_issued: { zh: '发行文件', en: 'Document issued' },
    verified: { zh: '效果确认', en: 'Verified' },
    closed: { zh: '结案', en: 'Closed' },
    comment: { zh: '备注', en: 'Comment' },
  },
} as const satisfies Record<string, Record<string, Localised>>;

export type EnumKind = keyof typeof ENUM_LABELS;

/**
 * A localised pair in the document language; 'bilingual' joins both, “中文 English” by
 * default or with `separator` (e.g. ' / ' in running headers and footers).
 */
export function localise(value: Localised, lang: DocLanguage, separator = ' '): string {
  if (lang === 'zh') return value.zh;
  if (lang === 'en') return value.en;
  return value.zh === value.en ? value.zh : `${value.zh}${separator}${value.en}`;
}

/** A fixed label in the document language (bilingual: joined by `separator`, e.g. '\n' to stack them in a cell). */
export function label(key: LabelKey, lang: DocLanguage, separator = ' '): string {
  return localise(LABELS[key], lang, separator);
}

/**
 * A stored code in the document language. `null` / `undefined` outcomes mean the clock is
 * still running (“进行中 / Open”); any other unknown code is shown as stored, so a value
 * a later policy adds is never lost, only untranslated.
 */
export function enumLabel(kind: EnumKind, code: string | null | undefined, lang: DocLanguage): string {
  const table: Record<string, Localised> = ENUM_LABELS[kind];
  const key = code ?? (kind === 'outcome' ? 'open' : '');
  const hit = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
  return hit ? localise(hit, lang) : key;
}
