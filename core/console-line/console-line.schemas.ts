import { z } from 'zod';

export const startLineLinkBodySchema = z.object({
  lineUserId: z
    .string()
    .trim()
    .regex(/^U[0-9a-f]{32}$/, 'must be a LINE user id (U and 32 hex digits)'),
  locale: z.enum(['zh-TW', 'th', 'en']).default('en'),
});

export const verifyLineLinkBodySchema = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'must be the 6-digit code'),
});
