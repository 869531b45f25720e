/**
 * Mail to the customer: the reply letter with its stored PDF (§5.4) and the satisfaction
 * request after closure (§6(4)). Exactly once per key through the shared delivery path
 * (`reply:<caseId>:<documentId>`, `satisfaction:<caseId>`). A case without a customer
 * e-mail address gets a `skipped` mail_message row and a `mail_skipped` event, not an error.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { renderCustomerReply, renderSatisfactionRequest } from '../../templates/mail/customer';
import { resolveMailLocale, type MailLocale } from '../../templates/mail/format';
import { safeLink } from '../../templates/mail/layout';
import { recordEventRow } from '../store';
import { createMailDelivery, type MailDeps, type SendOutcome } from './delivery';
import { messageIdFromKey } from './transport';

export interface CustomerMailDeps extends MailDeps {
  company: { name: string; nameEn: string };
}

export interface CustomerMailResult {
  status: SendOutcome | 'skipped';
  key: string;
  to: string[];
  /** Why nothing was sent (status skipped). */
  reason?: string;
}

export const NO_CUSTOMER_EMAIL = 'The case has no customer e-mail address (customerEmail is empty); nothing was sent. Send it another way or add the address.';

/** Document language ('zh' | 'en' | 'bilingual') → mail locale; bilingual documents go out with a Chinese letter. */
function localeOfDocument(language: string | null | undefined): MailLocale {
  return language === 'en' ? 'en' : 'zh-CN';
}

/** The activity attempt, or null when called outside an activity (scripts, tests). */
function attempt(): number | null {
  try {
    return Context.current().info.attempt;
  } catch {
    return null;
  }
}

export function createCustomerMailActivities(deps: CustomerMailDeps) {
  const { db } = deps;
  const delivery = createMailDelivery(deps);

  async function loadCase(caseId: string) {
    const c = await db.complaintCase.findUnique({ where: { id: caseId }, include: { salesRep: true } });
    if (!c) throw ApplicationFailure.nonRetryable(`Case ${caseId} does not exist`, 'CaseNotFound');
    return c;
  }

  async function recordSent(caseId: string, key: string, kind: string, to: string[]): Promise<void> {
    await recordEventRow(db, {
      caseId,
      key: `mail:${key}`,
      kind: 'mail_sent',
      actorId: 'system',
      data: { mailKind: kind, to, attempt: attempt() },
    });
  }

  return {
    /** The reply letter to the case's customer, with the stored document (the reply PDF) attached. */
    async sendCustomerReply(input: { caseId: string; documentId: string }): Promise<CustomerMailResult> {
      const c = await loadCase(input.caseId);
      const doc = await db.caseDocument.findFirst({ where: { id: input.documentId, caseId: c.id } });
      if (!doc) throw ApplicationFailure.nonRetryable(`Document ${input.documentId} of case ${c.caseNo} does not exist`, 'DocumentNotFound');
      const key = `reply:${c.id}:${doc.id}`;
      const locale = localeOfDocument(doc.language);
      const rendered = renderCustomerReply({
        locale,
        customerName: c.customerName,
        customerContact: c.customerContact,
        caseNo: c.caseNo,
        product: c.product,
        companyName: locale === 'zh-CN' ? deps.company.name : deps.company.nameEn,
        senderName: c.salesRep.name,
        senderEmail: c.salesRep.email,
        fileName: doc.fileName,
      });
      const to = c.customerEmail?.trim() ? [c.customerEmail.trim()] : [];
      if (!to.length) {
        await delivery.recordSkipped(key, { caseId: c.id, kind: 'customer_reply', to, subject: rendered.subject }, NO_CUSTOMER_EMAIL);
        return { status: 'skipped', key, to, reason: NO_CUSTOMER_EMAIL };
      }
      const status = await delivery.send(key, { caseId: c.id, kind: 'customer_reply', to, subject: rendered.subject }, () => ({
        to,
        cc: [c.salesRep.email],
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        messageId: messageIdFromKey(key, deps.mailDomain),
        headers: { 'Reply-To': c.salesRep.email, 'X-QMS-Case': c.caseNo, 'X-QMS-Kind': 'customer_reply', 'X-QMS-Document': `${doc.kind} v${doc.version}` },
        attachments: [{ filename: doc.fileName, content: Buffer.from(doc.bytes), contentType: doc.mimeType }],
      }));
      if (status === 'sent') await recordSent(c.id, key, 'customer_reply', to);
      return { status, key, to };
    },

    /** After closure: ask the customer whether the outcome met their expectation (二度满意). */
    async sendSatisfactionRequest(input: { caseId: string; surveyUrl: string; locale?: string }): Promise<CustomerMailResult> {
      const c = await loadCase(input.caseId);
      let surveyUrl: string;
      try {
        surveyUrl = safeLink(input.surveyUrl);
      } catch (err) {
        throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidInput');
      }
      const key = `satisfaction:${c.id}`;
      const lastDoc = input.locale ? null : await db.caseDocument.findFirst({ where: { caseId: c.id }, orderBy: { createdAt: 'desc' }, select: { language: true } });
      const locale = input.locale ? resolveMailLocale(input.locale) : localeOfDocument(lastDoc?.language);
      const rendered = renderSatisfactionRequest({
        locale,
        customerName: c.customerName,
        customerContact: c.customerContact,
        caseNo: c.caseNo,
        product: c.product,
        companyName: locale === 'zh-CN' ? deps.company.name : deps.company.nameEn,
        senderName: c.salesRep.name,
        senderEmail: c.salesRep.email,
        surveyUrl,
      });
      const to = c.customerEmail?.trim() ? [c.customerEmail.trim()] : [];
      if (!to.length) {
        await delivery.recordSkipped(key, { caseId: c.id, kind: 'satisfaction_request', to, subject: rendered.subject }, NO_CUSTOMER_EMAIL);
        return { status: 'skipped', key, to, reason: NO_CUSTOMER_EMAIL };
      }
      const status = await delivery.send(key, { caseId: c.id, kind: 'satisfaction_request', to, subject: rendered.subject }, () => ({
        to,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        messageId: messageIdFromKey(key, deps.mailDomain),
        headers: { 'Reply-To': c.salesRep.email, 'X-QMS-Case': c.caseNo, 'X-QMS-Kind': 'satisfaction_request' },
      }));
      if (status === 'sent') await recordSent(c.id, key, 'satisfaction_request', to);
      return { status, key, to };
    },
  };
}
