/**
 * The whole schema, for drizzle (queries, relational API) and drizzle-kit (migrations). Each table is
 * owned by its capability's `*.table.ts`; only that capability's repository should query it.
 */
export * from '../analytics/analytics.table.js';
export * from '../analytics/rollups.table.js';
export * from '../analytics/proof-rollups.table.js';
export * from '../audit/audit.table.js';
export * from '../brands/brands.table.js';
export * from '../broadcasts/broadcasts.table.js';
export * from '../campaigns/campaigns.table.js';
export * from '../console/console.table.js';
export * from '../console-line/console-line.table.js';
export * from '../conversations/conversations.table.js';
export * from '../draws/draws.table.js';
export * from '../events/events.table.js';
export * from '../fact-outbox/fact-outbox.table.js';
export * from '../invoices/invoices.table.js';
export * from '../members/members.table.js';
export * from '../messaging/messaging.table.js';
export * from '../receipts/receipts.table.js';
export * from '../replays/replays.table.js';
export * from '../review/review.table.js';
export * from '../rewards/rewards.table.js';
export * from '../segments/segments.table.js';
export * from '../submissions/submissions.table.js';
export * from '../surveys/surveys.table.js';
export * from '../team/team.table.js';
export * from '../verification/verification.table.js';
