/**
 * Temporal Schedules the product needs, created idempotently at worker start:
 * `daily-digest` runs the dailyDigest workflow every day at 07:30 in TIME_ZONE;
 * `monthly-review` runs monthlyReview on the 1st at 06:00 (last month's statistics);
 * `quarterly-survey` runs quarterlySurvey on 1 January, April, July and October at 08:00
 * (the customer satisfaction questionnaire about the quarter just ended).
 * An existing schedule is left running and its spec/action brought up to date, so a
 * changed TIME_ZONE or task queue takes effect on the next worker start.
 */
import { Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ConnectionLike, type ScheduleOptions } from '@temporalio/client';
import type { Logger } from 'pino';

export const DAILY_DIGEST_SCHEDULE_ID = 'daily-digest';

export interface ScheduleSettings {
  namespace: string;
  taskQueue: string;
  timeZone: string;
  /** Default 07:30. */
  digestAt?: { hour: number; minute: number };
}

export function dailyDigestScheduleOptions(s: ScheduleSettings): ScheduleOptions {
  const at = s.digestAt ?? { hour: 7, minute: 30 };
  return {
    scheduleId: DAILY_DIGEST_SCHEDULE_ID,
    spec: { calendars: [{ hour: at.hour, minute: at.minute, comment: 'daily digest' }], timezone: s.timeZone },
    action: { type: 'startWorkflow', workflowType: 'dailyDigest', taskQueue: s.taskQueue, workflowId: 'daily-digest', args: [{}] },
    // A digest that is still running (SMTP down) is not started twice; a missed morning
    // (Temporal down) is caught up within the day, never later.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '12 hours' },
    memo: { description: 'Daily digest of overdue and due steps per person (每日待办)' },
  };
}

export const MONTHLY_REVIEW_SCHEDULE_ID = 'monthly-review';

/** The 1st of every month, 06:00 in TIME_ZONE: last month's statistics (§6(5)). */
export function monthlyReviewScheduleOptions(s: ScheduleSettings): ScheduleOptions {
  return {
    scheduleId: MONTHLY_REVIEW_SCHEDULE_ID,
    spec: { calendars: [{ dayOfMonth: 1, hour: 6, minute: 0, comment: 'monthly statistics' }], timezone: s.timeZone },
    action: { type: 'startWorkflow', workflowType: 'monthlyReview', taskQueue: s.taskQueue, workflowId: 'monthly-review', args: [{}] },
    // A month missed while Temporal was down is caught up within a week.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '7 days' },
    memo: { description: 'Monthly quality review: on-time rate, Pareto, causes and countermeasures (品质检讨会议资料)' },
  };
}

export const QUARTERLY_SURVEY_SCHEDULE_ID = 'quarterly-survey';

/** The first day of each quarter, 08:00 in TIME_ZONE: the questionnaire about the quarter just ended (§6(4)). */
export function quarterlySurveyScheduleOptions(s: ScheduleSettings): ScheduleOptions {
  return {
    scheduleId: QUARTERLY_SURVEY_SCHEDULE_ID,
    spec: {
      calendars: [{ month: [{ start: 'JANUARY', end: 'OCTOBER', step: 3 }], dayOfMonth: 1, hour: 8, minute: 0, comment: 'quarterly customer satisfaction survey' }],
      timezone: s.timeZone,
    },
    action: { type: 'startWorkflow', workflowType: 'quarterlySurvey', taskQueue: s.taskQueue, workflowId: 'quarterly-survey', args: [{}] },
    // The round runs for weeks: never two at once; a quarter missed while Temporal was down is caught up within a week.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '7 days' },
    memo: { description: 'Quarterly customer satisfaction questionnaire and CSI report (顾客满意度调查)' },
  };
}

/** Create the schedules if missing; an existing one ("already exists") is updated in place. */
export async function ensureSchedules(connection: ConnectionLike, s: ScheduleSettings, log?: Logger): Promise<void> {
  const client = new Client({ connection, namespace: s.namespace });
  for (const options of [dailyDigestScheduleOptions(s), monthlyReviewScheduleOptions(s), quarterlySurveyScheduleOptions(s)]) {
    try {
      await client.schedule.create(options);
      log?.info({ scheduleId: options.scheduleId, timeZone: s.timeZone }, 'created schedule');
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(options.scheduleId).update((previous) => ({ ...previous, spec: options.spec, action: options.action }));
      log?.debug({ scheduleId: options.scheduleId }, 'schedule already exists; spec and action updated');
    }
  }
}
