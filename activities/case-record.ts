/**
 * The case record as people read it: what each step recorded (complaint_case.data, the
 * workflow's mirror), turned into labelled sections and signature lines for the official
 * forms. One place, so the master form, the reply letter and the register say the same.
 */
import type { SignatureLine } from '../templates/pdf/types';
import type { CaseSnapshot } from './store';

type Fields = { label: string; value: string }[];
export type Section = { key: string; title: string; fields: Fields };

interface StepEvent {
  kind: string;
  actor: string;
  at: Date;
  data: unknown;
}

const yesNo = (b: unknown) => (b === true ? '是 / yes' : b === false ? '否 / no' : '—');
const str = (v: unknown) => (v === undefined || v === null || v === '' ? '—' : String(v));

/** Section title and fields per step, in the regulation's order. */
const STEP_SECTIONS: Record<string, { title: string; fields: (d: Record<string, any>) => Fields }> = {
  first_contact: {
    title: '客户联络 / Customer contact (§5.1)',
    fields: (d) => [
      { label: '联络方式 / Method', value: str(d.method) },
      { label: '确认内容及后续 / Confirmed defect and next steps', value: str(d.summary) },
    ],
  },
  onsite_resolution: {
    title: '现场答复 / Answered on the spot (§5.1.1(1))',
    fields: (d) => [{ label: '答复 / Answer', value: str(d.answer) }],
  },
  sample_pending: {
    title: '样品 / Sample (§5.1.1(2))',
    fields: (d) =>
      d.sample === 'received'
        ? [{ label: '样品送品保 / Sample to QA', value: str(d.receivedAt ?? '已收到 / received') }, { label: '备注 / Note', value: str(d.note) }]
        : [{ label: '无样品 / No sample', value: `客户要求说明 / explanation wanted: ${yesNo(d.customerWantsExplanation)}` }],
  },
  potential_cause_analysis: {
    title: '潜在失效原因分析 / Potential failure cause analysis',
    fields: (d) => [
      { label: '不良现象 / Phenomenon', value: str(d.phenomenon) },
      ...((d.potentialCauses ?? []) as Record<string, string>[]).map((c, i) => ({
        label: `潜在原因 ${i + 1} / Cause ${i + 1}`,
        value: `${c.cause}（${c.likelihood}）— ${c.verification}`,
      })),
      { label: '结论 / Conclusion', value: str(d.conclusion) },
    ],
  },
  environmental_investigation: {
    title: '总务调查 / General affairs investigation (§5.2(2))',
    fields: (d) => [
      { label: '调查结果 / Findings', value: str(d.findings) },
      { label: '责任单位 / Responsible unit', value: str(d.responsibleDepartmentId) },
    ],
  },
  preliminary_analysis: {
    title: '初步分析 / Preliminary analysis (§5.2)',
    fields: (d) => [
      { label: '不良现象 / Phenomenon', value: str(d.phenomenon) },
      { label: '发生原因 / Occurrence cause', value: str(d.occurrenceCause) },
      { label: '流出原因 / Escape cause', value: str(d.escapeCause) },
      { label: '责任部门 / Responsible department', value: str(d.responsibleDepartmentId) },
      { label: '原因明确 / Cause clear', value: yesNo(d.causeClear) },
      { label: '会议 / Meeting', value: d.meeting ? `${d.meeting.heldAt} · ${(d.meeting.attendees ?? []).join('、')}` : '—' },
    ],
  },
  root_cause_analysis: {
    title: '真因分析 / Root-cause analysis (§5.3(2)(3))',
    fields: (d) => [
      { label: '方法 / Method', value: str(d.method) },
      { label: '再现 / Reproduced', value: yesNo(d.reproduced) },
      { label: '真因 / Root cause', value: str(d.rootCause) },
    ],
  },
  capa_approval: {
    title: '对策核准 / Countermeasure approval (§5.3(3))',
    fields: (d) => [
      { label: '决定 / Decision', value: str(d.decision) },
      ...(d.decision === 'rejected' ? [{ label: '退回原因 / Reason', value: str(d.reason) }] : [{ label: '重大案件 / Serious', value: yesNo(d.serious) }]),
    ],
  },
  reply: {
    title: '回复客户 / Reply to the customer (§5.4)',
    fields: (d) => [
      { label: '方式 / Method', value: str(d.method) },
      { label: '回复内容 / Reply', value: str(d.summary) },
    ],
  },
  effect_confirmation: {
    title: '客户端效果确认 / Effect at the customer (§5.4)',
    fields: (d) => [
      { label: '有效 / Effective', value: yesNo(d.effective) },
      { label: '客户反馈 / Customer feedback', value: str(d.customerFeedback) },
    ],
  },
  verification: {
    title: '效果验证 / Verification (§5.3(3)(5))',
    fields: (d) => [
      { label: '当月无再发 / No recurrence in the month', value: yesNo(d.noRecurrence) },
      { label: '上月对策已落实 / Last month’s actions done', value: yesNo(d.lastMonthActionsDone) },
      { label: '说明 / Comment', value: str(d.comment) },
    ],
  },
  closure: {
    title: '结案 / Closure',
    fields: (d) => [{ label: '说明 / Comment', value: str(d.comment) }],
  },
};

export function caseSections(snapshot: Partial<CaseSnapshot> | null | undefined, lateReasons: Record<string, string>): Section[] {
  const data = snapshot?.data ?? {};
  const out: Section[] = [];
  for (const [step, def] of Object.entries(STEP_SECTIONS)) {
    const d = (data as Record<string, Record<string, unknown>>)[step];
    if (!d) continue;
    const fields = def.fields(d);
    if (lateReasons[step]) fields.push({ label: '逾期原因 / Late reason', value: lateReasons[step] });
    out.push({ key: step, title: def.title, fields });
    if (step === 'root_cause_analysis' || (step === 'preliminary_analysis' && !data.root_cause_analysis)) out.push(...capaSections(snapshot));
  }
  if (!data.preliminary_analysis && !data.root_cause_analysis) out.push(...capaSections(snapshot));
  const comp = snapshot?.compensation;
  if (comp) {
    out.push({
      key: 'compensation',
      title: '理赔 / Compensation (§5.3(5))',
      fields: [
        { label: '金额 / Amount', value: `${comp.amount} ${comp.currency}` },
        { label: '责任部门 / Responsible', value: comp.responsibleDepartmentId },
        { label: '核准权限 / Approver (authority matrix)', value: comp.requiredRole },
        { label: '决定 / Decision', value: comp.decision ? `${comp.decision} · ${comp.approvedBy} · ${comp.approvedAt}` : '待核准 / awaiting decision' },
      ],
    });
  }
  if (snapshot?.resolution && snapshot.resolution !== 'resolved') {
    out.push({
      key: 'resolution',
      title: '结案方式 / Resolution',
      fields: [
        { label: '结论 / Resolution', value: snapshot.resolution },
        ...(snapshot.duplicateOf ? [{ label: '重复于 / Duplicate of', value: snapshot.duplicateOf }] : []),
      ],
    });
  }
  return out;
}

function capaSections(snapshot: Partial<CaseSnapshot> | null | undefined): Section[] {
  const items = snapshot?.countermeasures ?? [];
  if (!items.length) return [];
  const kind = { containment: '临时对策 / Containment', permanent: '永久对策 / Permanent', prevention: '管理对策 / Prevention' };
  return [
    {
      key: 'countermeasures',
      title: '对策 / Countermeasures (§5.3)',
      fields: items.map((c) => ({
        label: `${c.ref} ${kind[c.kind]}`,
        value: `${c.action}（${c.ownerDepartmentId}，${c.dueAt.slice(0, 10)}）— ${c.status}${c.effect ? `：${c.effect}` : ''}`,
      })),
    },
  ];
}

/** Signature lines: who recorded the signed steps and when; an open step shows "not yet signed". */
export function caseSignatures(events: StepEvent[], people: Map<string, string>, salesRep: { name: string; at: Date }): SignatureLine[] {
  const last = (step: string) => [...events].reverse().find((e) => e.kind === 'step_completed' && (e.data as { step?: string })?.step === step);
  const line = (role: string, meaning: string, step: string): SignatureLine => {
    const e = last(step);
    if (!e) return { role, meaning };
    // An electronic signature prints what it means and when it was given; otherwise who recorded the step.
    const sig = (e.data as { signature?: { signerName: string; meaning: string; at: string; contentHash: string } }).signature;
    return sig
      ? { role, meaning: `${sig.meaning} · 电子签名 e-signature ${sig.contentHash.slice(0, 12)}`, signer: sig.signerName, signedAt: sig.at }
      : { role, meaning, signer: people.get(e.actor) ?? e.actor, signedAt: e.at.toISOString() };
  };
  return [
    { role: '营业 / Sales', meaning: '填报 / reported', signer: salesRep.name, signedAt: salesRep.at.toISOString() },
    line('品保 / QA', '分析确认 / analysis confirmed', 'preliminary_analysis'),
    line('品保主管 / QA manager', '核准对策 / approved countermeasures', 'capa_approval'),
    line('品保 / QA', '验证有效 / verified effective', 'verification'),
    line('品保主管 / QA manager', '结案 / closed', 'closure'),
  ];
}

/** Late reasons by the step that stopped the clock. */
export function lateReasonsByStep(events: StepEvent[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of events) {
    const d = e.data as { step?: string; lateReason?: string | null };
    if (e.kind === 'step_completed' && d?.step && d.lateReason) out[d.step] = d.lateReason;
  }
  return out;
}

/** The Recurrence Prevention Report's steps as recorded by its child workflow (rpr_step_completed events). */
export function rprSections(events: StepEvent[]): Section[] {
  const titles: Record<string, string> = {
    proposal: '对策提出 / Proposal',
    approval: '核准 / Approval',
    implementation: '实施 / Implementation',
    effect: '效果 / Effect',
    verification: '验证 / Verification',
  };
  return events
    .filter((e) => e.kind === 'rpr_step_completed')
    .map((e) => {
      const d = e.data as { step: string; round: number; data: Record<string, unknown> };
      const fields: Fields = Object.entries(d.data ?? {}).map(([k, v]) => ({
        label: k,
        value: Array.isArray(v)
          ? v.map((m: Record<string, string>) => `${m.action}（${m.ownerDepartmentId}，${String(m.dueAt).slice(0, 10)}）`).join('；')
          : str(v),
      }));
      return { key: `rpr_${d.step}`, title: `${titles[d.step] ?? d.step}${d.round > 1 ? ` #${d.round}` : ''}`, fields };
    });
}

/** An 8D report (D1–D8) mapped from the case record, as automotive customers ask for. */
export function eightDSections(snapshot: Partial<CaseSnapshot> | null | undefined, description: string, team: string[], events: StepEvent[]): Section[] {
  const data = (snapshot?.data ?? {}) as Record<string, Record<string, any>>;
  const items = snapshot?.countermeasures ?? [];
  const list = (kind: string) =>
    items.filter((c) => c.kind === kind).map((c) => ({ label: c.ref, value: `${c.action}（${c.ownerDepartmentId}，${c.dueAt.slice(0, 10)}）${c.effect ? ` — ${c.effect}` : ''}` }));
  const pa = data.preliminary_analysis ?? {};
  const none = [{ label: '—', value: '—' }];
  const sec = (key: string, title: string, fields: Fields) => ({ key, title, fields: fields.length ? fields : none });
  return [
    sec('d1', 'D1 小组 / Team', [{ label: '成员 / Members', value: team.join('、') || '—' }]),
    sec('d2', 'D2 问题描述 / Problem description', [
      { label: '客户描述 / As reported', value: description },
      { label: '不良现象 / Phenomenon', value: str(pa.phenomenon ?? data.potential_cause_analysis?.phenomenon) },
    ]),
    sec('d3', 'D3 临时对策 / Containment', list('containment')),
    sec('d4', 'D4 根本原因 / Root cause', [
      { label: '发生原因 / Occurrence', value: str(pa.occurrenceCause) },
      { label: '流出原因 / Escape', value: str(pa.escapeCause) },
      ...(data.root_cause_analysis ? [{ label: '真因 / Root cause', value: str(data.root_cause_analysis.rootCause) }] : []),
    ]),
    sec('d5', 'D5 永久对策 / Permanent corrective actions', list('permanent')),
    sec('d6', 'D6 实施及效果确认 / Implemented and validated', [
      ...items.filter((c) => c.status === 'implemented').map((c) => ({ label: c.ref, value: `${c.implementedAt?.slice(0, 10) ?? ''} ${c.effect ?? ''}` })),
      ...(data.effect_confirmation ? [{ label: '客户端 / At the customer', value: str(data.effect_confirmation.customerFeedback) }] : []),
    ]),
    sec('d7', 'D7 预防再发 / Prevent recurrence', [...list('prevention'), ...rprSections(events).flatMap((s) => s.fields.map((f) => ({ label: `${s.title} ${f.label}`, value: f.value })))]),
    sec('d8', 'D8 结案 / Closure and recognition', [
      ...(data.verification ? [{ label: '验证 / Verification', value: str(data.verification.comment) }] : []),
      ...(data.closure ? [{ label: '结案 / Closed', value: str(data.closure.comment ?? '已结案 / closed') }] : []),
    ]),
  ];
}
