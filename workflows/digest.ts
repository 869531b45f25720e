/**
 * The daily digest: started by the `daily-digest` Temporal Schedule every morning (07:30 in
 * TIME_ZONE, see scripts/schedules.ts). One activity sends every person's digest; a retried
 * activity or a re-run of the same day sends only what is still unsent (key
 * `digest:<personId>:<date>`). SMTP outages are retried with backoff; the activity gives up
 * on a message after MAIL_GIVE_UP_AFTER and escalates it, so the workflow always ends.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { sendDailyDigests } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '10 minutes', backoffCoefficient: 2 },
});

export interface DailyDigestWorkflowInput {
  /** YYYY-MM-DD in TIME_ZONE; default: the day the workflow started (in TIME_ZONE). */
  date?: string;
}

export async function dailyDigest(input: DailyDigestWorkflowInput = {}): Promise<{ date: string; people: number; sent: number; notSent: number }> {
  // Workflow time is deterministic: the start of this run, also on replay and activity retries.
  return sendDailyDigests({ date: input.date, at: new Date().toISOString() });
}
