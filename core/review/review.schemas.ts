import { z } from 'zod';
import { REVIEW_FLAG_REASONS, REVIEW_KINDS, REVIEW_REJECT_REASONS } from './review.models.js';

/** What a reviewer may correct; anything left out keeps the value read from the photo. */
export const correctedFieldsSchema = z
  .object({
    storeName: z.string().trim().min(1).max(200),
    branch: z.string().trim().max(200),
    address: z.string().trim().max(500),
    taxId: z
      .string()
      .regex(
        /^(\d{8}|\d{12}|\d{13})$/,
        'must be an 8-digit BAN, a 12-digit Malaysian GST number or a 13-digit Thai tax ID',
      ),
    invoiceNumber: z.string().regex(/^[A-Z]{2}\d{8}$/, 'must be two letters and 8 digits'),
    date: z.iso.date(),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    totalMinor: z.number().int().min(0),
    currency: z.enum(['TWD', 'THB']),
    items: z
      .array(
        z.object({
          name: z.string().trim().min(1).max(200),
          quantity: z.number().int().min(1),
          amountMinor: z.number().int(),
          unitPriceMinor: z.number().int().optional(),
        }),
      )
      .max(200),
  })
  .partial()
  .strict();
export type CorrectedFields = z.infer<typeof correctedFieldsSchema>;

const booleanFlag = z
  .enum(['true', 'false'])
  .transform((value) => value === 'true')
  .optional();

export const reviewQueueQuerySchema = z.object({
  campaignId: z.string().min(1).optional(),
  reason: z.enum(REVIEW_FLAG_REASONS).optional(),
  kind: z.enum(REVIEW_KINDS).optional(),
  flagged: booleanFlag,
  includeLeased: booleanFlag,
  maxConfidence: z.coerce.number().min(0).max(1).optional(),
  after: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export const reviewNextBodySchema = reviewQueueQuerySchema
  .omit({ flagged: true, includeLeased: true, limit: true })
  .strict();

export const approveBodySchema = z.object({ fields: correctedFieldsSchema.optional() }).strict();
export const previewBodySchema = approveBodySchema;
export const rejectBodySchema = z
  .object({ reasonCode: z.enum(REVIEW_REJECT_REASONS), note: z.string().max(1000).optional() })
  .strict();
