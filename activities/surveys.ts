/**
 * The "second satisfaction" survey after closure (二度满意, issue #8): the survey row, its
 * link, and the stored answer. The link's token is an HMAC of the survey id with a server
 * secret, so a retried activity returns the same link, nobody can derive another case's
 * link, and the database keeps only the token's SHA-256.
 */
import crypto from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../prisma/client';
import type { SatisfactionAnswer } from '../workflows/types';
import { addTime } from './calendar';
import { sha256 } from './hash';
import { policyDefinitionSchema } from './policy';
import { recordEventRow } from './store';

export interface SurveyDeps {
  db: Db;
  publicUrl: string;
  /** Secret for survey links (LINK_SECRET; the worker always passes one). */
  linkSecret?: string;
}

export const surveyTokenHash = (token: string) => sha256(token);

/**
 * The token of a link sent to a customer: HMAC-SHA256 of `purpose:id` with LINK_SECRET.
 * A retried activity derives the same link; nobody without the secret derives another's.
 */
export function linkToken(secret: string | undefined, purpose: 'survey' | 'csi', id: string): string {
  if (!secret) throw ApplicationFailure.nonRetryable('No secret for customer links is configured (LINK_SECRET)', 'NotConfigured');
  return crypto.createHmac('sha256', secret).update(`${purpose}:${id}`).digest('base64url');
}

export function createSurveyActivities({ db, publicUrl, linkSecret }: SurveyDeps) {
  const tokenFor = (surveyId: string) => linkToken(linkSecret, 'survey', surveyId);

  return {
    /** Create (once) the case's survey; null when the customer left no e-mail address. */
    async openSurvey(input: { caseId: string; closedAt: string }): Promise<{ url: string; expiresAt: string } | null> {
      const c = await db.complaintCase.findUnique({ where: { id: input.caseId }, include: { policy: true, survey: true } });
      if (!c) throw ApplicationFailure.nonRetryable(`Case ${input.caseId} does not exist`, 'CaseNotFound');
      if (!c.customerEmail) {
        await recordEventRow(db, { caseId: c.id, key: `${c.id}:survey:skipped`, kind: 'survey_skipped', actorId: 'system', data: { reason: 'no customer e-mail address on the case' } });
        return null;
      }
      let survey = c.survey;
      if (!survey) {
        const policy = policyDefinitionSchema.parse(c.policy.definition);
        const id = crypto.randomUUID();
        const token = tokenFor(id);
        const expiresAt = addTime(new Date(input.closedAt), policy.survey.expiresAfter, 'calendar', policy.calendar);
        await db.satisfactionSurvey.createMany({ data: [{ id, caseId: c.id, tokenHash: surveyTokenHash(token), expiresAt }], skipDuplicates: true });
        survey = await db.satisfactionSurvey.findUniqueOrThrow({ where: { caseId: c.id } });
        await recordEventRow(db, { caseId: c.id, key: `${c.id}:survey:opened`, kind: 'survey_opened', actorId: 'system', data: { expiresAt: survey.expiresAt.toISOString() } });
      }
      return { url: `${publicUrl}/survey/${tokenFor(survey.id)}`, expiresAt: survey.expiresAt.toISOString() };
    },

    /** Store the answer (first write wins). */
    async recordSurveyAnswer(input: { caseId: string; answer: SatisfactionAnswer }): Promise<void> {
      const a = input.answer;
      await db.satisfactionSurvey.updateMany({
        where: { caseId: input.caseId, answeredAt: null },
        data: { answeredAt: new Date(a.answeredAt), outcome: a.outcome, speed: a.speed, communication: a.communication, comment: a.comment ?? null },
      });
      await recordEventRow(db, { caseId: input.caseId, key: `${input.caseId}:survey:answered`, kind: 'survey_answered', actorId: 'customer', data: { ...a } });
    },

    /** Store the QA manager's follow-up of a dissatisfied answer. */
    async recordSurveyFollowUp(input: { caseId: string; actorId: string; at: string; actions: string }): Promise<void> {
      await db.satisfactionSurvey.updateMany({
        where: { caseId: input.caseId, followUpAt: null },
        data: { followUpBy: input.actorId, followUpAt: new Date(input.at), followUpAction: input.actions },
      });
      await recordEventRow(db, { caseId: input.caseId, key: `${input.caseId}:survey:follow-up`, kind: 'survey_followed_up', actorId: input.actorId, data: { actions: input.actions } });
    },
  };
}
