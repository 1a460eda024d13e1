import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { brands } from '../brands/brands.table.js';
import { tstz } from '../db/columns.js';
import { submissions } from '../submissions/submissions.table.js';

/**
 * Who is looking at a queued proof: opening an item leases it to one reviewer until `expiresAt` (renewed
 * while the page is open, released on leaving or on a decision). One row per submission, taken with an
 * upsert that only wins when the row is free, lapsed or already the caller's — so two reviewers never
 * hold the same item.
 */
export const reviewLeases = pgTable(
  'review_leases',
  {
    submissionId: text('submission_id')
      .primaryKey()
      .references(() => submissions.id),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    reviewerId: text('reviewer_id').notNull(),
    reviewerName: text('reviewer_name').notNull(),
    leasedAt: tstz('leased_at').notNull(),
    expiresAt: tstz('expires_at').notNull(),
  },
  (t) => [index('review_leases_brand_expires_idx').on(t.brandId, t.expiresAt)],
);
