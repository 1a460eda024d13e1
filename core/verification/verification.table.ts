import { pgTable, text } from 'drizzle-orm/pg-core';
import { tstz } from '../db/columns.js';

/**
 * One row per outside platform account whose request rate the whole deployment shares (the MoF
 * e-invoice API: `mof|<base url>|<app id>`). `next_at` is the token bucket's theoretical arrival time
 * (GCRA): every process takes its permits with one atomic UPDATE … RETURNING on this row, so N worker
 * processes together send no more than the configured rate.
 */
export const platformBudgets = pgTable('platform_budgets', {
  key: text('key').primaryKey(),
  nextAt: tstz('next_at').notNull().defaultNow(),
});
