import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { brands } from '../brands/brands.table.js';
import { createdAt, idColumn, updatedAt } from '../db/columns.js';

/** A saved filter over members (campaign, purchases, store, region, points, survey answers, tags…). */
export const segments = pgTable(
  'segments',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    name: text('name').notNull(),
    filter: jsonb('filter').notNull().$type<Record<string, unknown>>(),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('segments_brand_idx').on(t.brandId)],
);
