/**
 * Document activities: build an official form from the case data, render it (pdfkit,
 * templates/pdf) and file it. A filed version is never overwritten: each issue is a new
 * numbered version with its SHA-256, the hash of the data it was built from, and what
 * triggered it. The issue key (case, kind, trigger) makes a retried activity return the
 * version it filed the first time instead of filing another.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../prisma/client';
import { renderMarketQualityReport, type DocLanguage, type MarketQualityReportData } from '../templates/pdf';
import { caseSections, caseSignatures, lateReasonsByStep } from './case-record';
import { canonicalJson, sha256 } from './hash';
import type { CaseSnapshot } from './store';
import { appendEventInTx } from './audit-chain';

export type DocumentKind = 'market_quality_report';

export interface DocumentDeps {
  db: Db;
  timeZone: string;
  company: { name: string; nameEn: string };
  language?: DocLanguage;
}

/** Controlled-form identity of each kind (document number, revision). */
export const DOCUMENT_FORMS: Record<DocumentKind, { docNo: string; revision: string; fileStem: string }> = {
  market_quality_report: { docNo: 'QR-7-01', revision: 'A', fileStem: 'market-quality-report' },
};

const EVENT_SUMMARIES: Record<string, (d: Record<string, unknown>) => string> = {
  case_received: () => '受理客户抱怨 / complaint received',
  step_completed: (d) => `完成 / completed: ${d.step}${d.lateReason ? ` — 逾期原因: ${d.lateReason}` : ''}`,
  step_entered: (d) => `进入步骤 / step: ${d.step}`,
  case_closed: (d) => `结案 / closed: ${d.resolution ?? ''}`,
  case_dismissed: (d) => `不予调查 / not investigated: ${d.reason} — ${d.explanation}`,
  deadline_extended: (d) => `时限延长 / extended ${d.clockId}: ${d.fromDueAt} → ${d.toDueAt}（客户同意 / consent: ${(d.consent as { by?: string })?.by ?? ''}）`,
  compensation_requested: (d) => `理赔申请 / compensation ${d.amount} ${d.currency}`,
  compensation_decided: (d) => `理赔 ${d.decision} / compensation ${d.decision}`,
  countermeasure_implemented: (d) => `对策实施 / implemented ${d.ref}: ${d.effect}`,
  rpr_raised: () => '开立预防再发处理报告 / recurrence prevention report raised',
  rpr_step_completed: (d) => `预防再发 / RPR ${d.step}`,
  clock_stopped: (d) => `时限 ${d.clockId ?? d.clock}: ${d.outcome}`,
  mail_sent: (d) => `邮件 ${d.mailKind} → ${d.to}`,
  document_issued: (d) => `文件 ${d.kind} v${d.version}`,
};

export function createDocumentActivities(deps: DocumentDeps) {
  const { db } = deps;

  async function buildMarketQualityReport(caseId: string): Promise<Omit<MarketQualityReportData, 'version' | 'issuedAt' | 'dataHash'>> {
    const c = await db.complaintCase.findUnique({
      where: { id: caseId },
      include: {
        salesRep: true,
        clocks: { orderBy: { startedAt: 'asc' } },
        events: { orderBy: { at: 'asc' } },
      },
    });
    if (!c) throw ApplicationFailure.nonRetryable(`Case ${caseId} does not exist`, 'CaseNotFound');
    const people = new Map((await db.person.findMany()).map((p) => [p.id, p.name]));
    return {
      company: { name: deps.company.name, nameEn: deps.company.nameEn, ...DOCUMENT_FORMS.market_quality_report },
      caseNo: c.caseNo,
      timeZone: deps.timeZone,
      customerName: c.customerName,
      customerContact: [c.customerContact, c.customerEmail].filter(Boolean).join(' · ') || null,
      product: c.product,
      lot: c.lot,
      quantity: c.quantity,
      channel: c.channel,
      receivedAt: c.receivedAt.toISOString(),
      category: c.category,
      severity: c.severity,
      origin: c.origin,
      sampleExpected: c.sampleExpected,
      description: c.description,
      salesRep: c.salesRep.name,
      status: c.status,
      step: c.step,
      sections: caseSections(c.data as Partial<CaseSnapshot>, lateReasonsByStep(c.events)),
      clocks: c.clocks.map((k) => ({
        clock: k.clockId,
        startedAt: k.startedAt.toISOString(),
        dueAt: k.dueAt.toISOString(),
        stoppedAt: k.stoppedAt?.toISOString() ?? null,
        outcome: k.outcome,
        lateReason: k.lateReason,
      })),
      events: c.events.map((e) => ({
        at: e.at.toISOString(),
        kind: e.kind,
        actor: people.get(e.actor) ?? e.actor,
        summary: (EVENT_SUMMARIES[e.kind] ?? (() => e.kind))(e.data as Record<string, unknown>),
      })),
      signatures: caseSignatures(c.events, people, { name: c.salesRep.name, at: c.createdAt }),
    };
  }

  return {
    /** Render and file a new version of a case document; idempotent per (case, kind, trigger). */
    async issueDocument(input: { caseId: string; kind: DocumentKind; trigger: string }): Promise<{ version: number; sha256: string }> {
      const issueKey = `${input.caseId}:${input.kind}:${input.trigger}`;
      const existing = await db.caseDocument.findUnique({ where: { issueKey } });
      if (existing) return { version: existing.version, sha256: existing.sha256 };

      const base = await buildMarketQualityReport(input.caseId);
      const dataHash = sha256(canonicalJson(base));
      return db.$transaction(async (tx) => {
        // Serialise version numbering per case + kind.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${input.caseId + ':' + input.kind}))`;
        const again = await tx.caseDocument.findUnique({ where: { issueKey } });
        if (again) return { version: again.version, sha256: again.sha256 };
        const last = await tx.caseDocument.findFirst({
          where: { caseId: input.caseId, kind: input.kind },
          orderBy: { version: 'desc' },
          select: { version: true },
        });
        const version = (last?.version ?? 0) + 1;
        const issuedAt = new Date().toISOString();
        const language = deps.language ?? 'zh';
        const pdf = await renderMarketQualityReport({ ...base, version, issuedAt, dataHash }, language);
        const digest = sha256(pdf);
        const form = DOCUMENT_FORMS[input.kind];
        await tx.caseDocument.create({
          data: {
            caseId: input.caseId,
            kind: input.kind,
            version,
            issueKey,
            fileName: `${base.caseNo}-${form.fileStem}-v${version}.pdf`,
            mimeType: 'application/pdf',
            sha256: digest,
            dataHash,
            bytes: new Uint8Array(pdf),
            size: pdf.length,
            trigger: input.trigger,
            language,
          },
        });
        await appendEventInTx(tx, {
          caseId: input.caseId,
          key: `doc:${issueKey}`,
          kind: 'document_issued',
          actorId: 'system',
          data: { kind: input.kind, version, sha256: digest, dataHash, trigger: input.trigger },
        });
        return { version, sha256: digest };
      });
    },
  };
}
