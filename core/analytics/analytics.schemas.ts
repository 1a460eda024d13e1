import { z } from 'zod';
import { EXPORT_KINDS } from './export-sources.js';

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/u, { message: 'must be a date yyyy-mm-dd' });

/** The filters every analysis takes: a campaign, and an inclusive range of local purchase dates. */
export const analyticsFilterSchema = z
  .object({
    campaign: z.string().min(1).max(80).optional(),
    from: localDate.optional(),
    to: localDate.optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: 'must not be after "to"', path: ['from'] });

export type AnalyticsFilterInput = z.infer<typeof analyticsFilterSchema>;

const count = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const basketsQuerySchema = analyticsFilterSchema.and(
  z.object({
    /** Pairs seen in fewer baskets are left out. @default 2 */
    minCount: count(2, 1_000_000),
    /** @default 50 */
    limit: count(50, 500),
  }),
);

export const rankingQuerySchema = analyticsFilterSchema.and(
  z.object({
    sort: z.enum(['proofs', 'members', 'amount']).default('proofs'),
    limit: count(50, 500),
  }),
);

export const unmappedQuerySchema = z.object({ limit: count(50, 500) });

export const productBodySchema = z.object({
  key: z.string().regex(/^[a-z0-9_-]{1,40}$/u, { message: 'must be 1-40 chars of a-z 0-9 _ -' }),
  name: z.string().trim().min(1).max(120),
});

export const mappingBodySchema = z.object({
  /** The printed name as shown in the unmapped list (normalised again on the server). */
  itemName: z.string().trim().min(1).max(200),
  productKey: z.string().regex(/^[a-z0-9_-]{1,40}$/u, { message: 'must be 1-40 chars of a-z 0-9 _ -' }),
});

/** An export (line items by default) of the analyses' filter, as CSV or XLSX. */
export const exportRequestSchema = z
  .object({
    kind: z.enum(EXPORT_KINDS).default('line_items'),
    format: z.enum(['csv', 'xlsx']),
    campaign: z.string().min(1).max(80).optional(),
    from: localDate.optional(),
    to: localDate.optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: 'must not be after "to"', path: ['from'] });

export const exportDownloadQuerySchema = z.object({ token: z.string().min(1).max(100) });
