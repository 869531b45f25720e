/**
 * All activities, built by one factory from their dependencies (Prisma client, mail
 * transport, settings) — the worker wires real ones, tests may pass their own.
 * Workflows `import type { Activities }` only.
 */
import type { Client } from '@temporalio/client';
import type { Db } from '../prisma/client';
import type { DocLanguage } from '../templates/pdf/types';
import { createAuditActivities } from './audit';
import { createDocumentActivities } from './documents';
import { createCustomerMailActivities } from './mail/customer';
import { createDigestActivities } from './mail/digest';
import { createMailActivities } from './mail/notices';
import type { MailTransport } from './mail/transport';
import { createMailDelivery } from './mail/delivery';
import { createQuarterlySurveyActivities, type CsiSettings } from './quarterly-survey';
import { createReportActivities } from './reports';
import { createStoreActivities } from './store';
import { createSurveyActivities } from './surveys';
import { createWriteBatch } from './write-batch';

export interface ActivityDeps {
  db: Db;
  transport: MailTransport;
  publicUrl: string;
  timeZone: string;
  mailDomain: string;
  fromAddress: string;
  company: { name: string; nameEn: string };
  documentLanguage?: DocLanguage;
  /** Give up on an undeliverable message after this long (MAIL_GIVE_UP_AFTER; default 24 h). */
  mailGiveUpAfterMs?: number;
  /** Temporal client for archiveHistory (the worker passes one over its own connection). */
  temporal?: Client;
  /** Secret for the customers' survey links (LINK_SECRET). */
  linkSecret?: string;
  /** The quarterly questionnaire: reminder and closing times, grade scores (CSI_* settings). */
  csi?: Partial<CsiSettings>;
}

export function createActivities(deps: ActivityDeps) {
  const writers = {
    ...createStoreActivities({ db: deps.db }),
    ...createSurveyActivities({ db: deps.db, publicUrl: deps.publicUrl, linkSecret: deps.linkSecret }),
  };
  return {
    ...writers,
    ...createWriteBatch(writers, deps.db),
    ...createMailActivities(deps),
    ...createDigestActivities(deps),
    ...createCustomerMailActivities(deps),
    ...createAuditActivities({ db: deps.db, temporal: deps.temporal }),
    ...createDocumentActivities({ db: deps.db, timeZone: deps.timeZone, company: deps.company, language: deps.documentLanguage }),
    ...createReportActivities({ db: deps.db, timeZone: deps.timeZone, company: deps.company, mail: createMailDelivery(deps), mailDomain: deps.mailDomain }),
    ...createQuarterlySurveyActivities({
      db: deps.db,
      timeZone: deps.timeZone,
      company: deps.company,
      mail: createMailDelivery(deps),
      mailDomain: deps.mailDomain,
      publicUrl: deps.publicUrl,
      linkSecret: deps.linkSecret,
      csi: deps.csi,
    }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
