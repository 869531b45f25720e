/** Temporal search attributes that make the Temporal UI useful to auditors. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CaseNoAttr = defineSearchAttributeKey('CaseNo', SearchAttributeType.KEYWORD);
export const CaseStepAttr = defineSearchAttributeKey('CaseStep', SearchAttributeType.KEYWORD);
export const SeverityAttr = defineSearchAttributeKey('Severity', SearchAttributeType.KEYWORD);
export const CustomerAttr = defineSearchAttributeKey('Customer', SearchAttributeType.KEYWORD);
export const OverdueAttr = defineSearchAttributeKey('Overdue', SearchAttributeType.BOOL);

/** Name → type, for registering them on a server (`temporal server start-dev --search-attribute`). */
export const SEARCH_ATTRIBUTES: Record<string, 'Keyword' | 'Bool'> = {
  CaseNo: 'Keyword',
  CaseStep: 'Keyword',
  Severity: 'Keyword',
  Customer: 'Keyword',
  Overdue: 'Bool',
};
