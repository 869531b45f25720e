/**
 * Typed jest.fn stand-ins for every activity, for workflow tests with mocked side effects
 * (test/procedure.workflow.test.ts, test/time-skipping.workflow.test.ts). Each test passes
 * the ones it drives or inspects; the rest record their calls and answer inertly.
 */
import type { Activities } from '../activities';
import { createWriteBatch } from '../activities/write-batch';

export type MockedActivities = { [K in keyof Activities]: jest.Mock<ReturnType<Activities[K]>, Parameters<Activities[K]>> };

export const mock = <K extends keyof Activities>(fn: (...a: Parameters<Activities[K]>) => ReturnType<Activities[K]>) => jest.fn(fn);

const notUsed = (name: string) => async (): Promise<never> => {
  throw new Error(`${name} is not used by this test`);
};

export function mockActivities(own: Partial<MockedActivities>): MockedActivities {
  const acts: Omit<MockedActivities, 'writeBatch'> & Partial<Pick<MockedActivities, 'writeBatch'>> = {
    planClock: mock<'planClock'>(notUsed('planClock')),
    extendClock: mock<'extendClock'>(notUsed('extendClock')),
    recordClockOutcome: mock<'recordClockOutcome'>(async () => undefined),
    recordStep: mock<'recordStep'>(async () => undefined),
    recordEvent: mock<'recordEvent'>(async () => undefined),
    mirrorCase: mock<'mirrorCase'>(async () => undefined),
    compensationApprover: mock<'compensationApprover'>(async (i) => (i.amount > 10_000 ? 'management_rep' : 'qa_manager')),
    sendClockNotice: mock<'sendClockNotice'>(async () => ({ sent: 1, skipped: 0 })),
    issueDocument: mock<'issueDocument'>(async () => ({ id: 'doc-1', version: 1, sha256: 'x' })),
    sendDailyDigests: mock<'sendDailyDigests'>(async () => ({ date: '2026-01-01', people: 0, sent: 0, notSent: 0 })),
    sendCustomerReply: mock<'sendCustomerReply'>(async () => ({ status: 'sent' as const, key: 'k', to: [] })),
    sendSatisfactionRequest: mock<'sendSatisfactionRequest'>(async () => ({ status: 'sent' as const, key: 'k', to: [] })),
    compileMonthlyReview: mock<'compileMonthlyReview'>(async () => ({ month: '2026-10', reviewId: 'r', registerPdfId: 'p', registerCsvId: 'c', reply: { clock: 'reply', total: 0, onTime: 0, missed: 0, rate: null } })),
    sendMonthlyReview: mock<'sendMonthlyReview'>(async () => ({ sent: 0 })),
    archiveHistory: mock<'archiveHistory'>(async () => ({ created: true, eventCount: 0, sha256: 'x' })),
    openSurvey: mock<'openSurvey'>(async () => null),
    recordSurveyAnswer: mock<'recordSurveyAnswer'>(async () => undefined),
    recordSurveyFollowUp: mock<'recordSurveyFollowUp'>(async () => undefined),
    openCsiRound: mock<'openCsiRound'>(notUsed('openCsiRound')),
    sendCsiInvitations: mock<'sendCsiInvitations'>(async () => ({ sent: 0, total: 0 })),
    sendCsiReminders: mock<'sendCsiReminders'>(async () => ({ reminded: 0, answered: 0 })),
    closeCsiRound: mock<'closeCsiRound'>(async () => ({ quarter: '2026-Q4', closedAt: new Date(0).toISOString() })),
    fileCsiReports: mock<'fileCsiReports'>(async () => ({ zhId: 'z', enId: 'e', overall: null, responseRate: null })),
    sendCsiReport: mock<'sendCsiReport'>(async () => ({ sent: 0 })),
    ...own,
  };
  // A case's batched writes (activities/write-batch.ts) go to the mocks above, so a test sees each write.
  return { ...acts, writeBatch: own.writeBatch ?? mock<'writeBatch'>((i) => createWriteBatch(acts as MockedActivities).writeBatch(i)) };
}
