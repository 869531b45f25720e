/**
 * Request and response schemas. The same zod schemas validate requests and generate
 * the OpenAPI document (api/openapi.ts), so the two cannot drift apart.
 */
import { z } from 'zod';

// Plain messages for the common cases: a missing field "is required", a wrong type says what it must be.
z.config({
  customError: (iss) =>
    iss.code === 'invalid_type' ? (iss.input === undefined ? 'is required' : `must be ${iss.expected}`) : undefined,
});

const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);

export const caseNoParam = z.object({
  caseNo: z.string().regex(/^CC-\d{4}-\d{4,}$/, 'must look like CC-2026-0001'),
});

export const createComplaintBody = z
  .object({
    customerName: text(200).describe('Customer (company) name, e.g. 苏州精密电子有限公司'),
    customerContact: z.string().trim().max(200).optional().describe('Contact person and phone'),
    customerEmail: z.string().trim().email('must be an e-mail address').optional().describe('Where the reply and surveys go'),
    product: text(200).describe('Product / model'),
    lot: z.string().trim().max(100).optional().describe('Lot or batch number'),
    quantity: z.number().int('must be a whole number').positive('must be positive').max(1_000_000_000).optional().describe('Defective quantity'),
    channel: z.enum(['phone', 'email', 'visit', 'web', 'hotline']).describe('How the complaint came in (800 hot-line = hotline)'),
    description: text(10_000).describe('What the customer reports'),
    category: z.enum(['quality', 'environmental', 'installation_usage']).describe('§5.1 classification'),
    severity: z.enum(['urgent', 'normal']).describe('急件 urgent / 一般件 normal'),
    origin: z.enum(['own_plant', 'supplier']).describe('本厂 own plant / 它厂 supplier or other plant'),
    sampleExpected: z.boolean().default(true).describe('Whether a defective sample will come back'),
    salesRepId: text(64).describe('Owning sales rep (person id)'),
    receivedAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional().describe('When the complaint was received; defaults to now'),
  })
  .strict();
export type CreateComplaintBody = z.infer<typeof createComplaintBody>;


export const documentParams = caseNoParam.extend({
  kind: z.enum(['market_quality_report', 'customer_reply', 'communication_form', 'potential_cause_report', 'recurrence_prevention_report', 'eight_d']),
  version: z.coerce.number().int().positive(),
});

export const errorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    errors: z.array(z.object({ field: z.string(), reason: z.string() })),
  }),
});

export const clockView = z.object({
  id: z.string(),
  round: z.number().int(),
  owner: z.object({ role: z.string(), departmentId: z.string().nullable() }),
  extensions: z.array(z.unknown()),
  clock: z.string(),
  startedAt: z.string(),
  dueAt: z.string(),
  originalDueAt: z.string(),
  stoppedAt: z.string().nullable(),
  outcome: z.enum(['met', 'met_after_extension', 'missed', 'cancelled']).nullable(),
  lateReason: z.string().nullable(),
  escalationLevel: z.number().int(),
});

export const caseView = z.object({
  caseNo: z.string(),
  status: z.string(),
  step: z.string(),
  customerName: z.string(),
  customerContact: z.string().nullable(),
  customerEmail: z.string().nullable(),
  product: z.string(),
  lot: z.string().nullable(),
  quantity: z.number().nullable(),
  channel: z.string(),
  description: z.string(),
  category: z.string(),
  severity: z.string(),
  origin: z.string(),
  sampleExpected: z.boolean(),
  receivedAt: z.string(),
  salesRep: z.object({ id: z.string(), name: z.string() }),
  policy: z.string(),
  workflowId: z.string(),
  resolution: z.string().nullable(),
  duplicateOf: z.string().nullable(),
  closedAt: z.string().nullable(),
  retainUntil: z.string().nullable().describe('Closure + RECORD_RETENTION_YEARS: records are kept at least until then'),
  clocks: z.array(clockView),
  record: z.record(z.string(), z.unknown()).describe('What the steps recorded (analysis, countermeasures, reply …)'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
