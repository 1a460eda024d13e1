import { z } from 'zod';
import { segmentConditionSchema } from '../segments/index.js';
import { flexMessageSchema } from './broadcasts.flex.js';
import { PLACEHOLDERS } from './broadcasts.models.js';
import { demographicFilterSchema } from './broadcasts.narrowcast.models.js';

const LOCALES = ['zh-TW', 'th', 'en'] as const;

const lineMessageSchema = z
  .record(z.string(), z.unknown())
  .refine((message) => typeof message.type === 'string', 'a LINE message needs a type (text, flex…)')
  .refine(
    (message) => message.type !== 'text' || (typeof message.text === 'string' && message.text.trim() !== ''),
    'a text message needs text',
  )
  // A Flex message within LINE's limits (bubble ≤ 30 KB, carousel ≤ 12 bubbles and 50 KB), said at its path.
  .superRefine((message, context) => {
    if (message.type !== 'flex') return;
    const parsed = flexMessageSchema.safeParse(message);
    if (!parsed.success)
      for (const issue of parsed.error.issues)
        context.addIssue({ code: 'custom', message: issue.message, path: issue.path as (string | number)[] });
  });

/** 1 to 5 LINE message objects: LINE takes at most 5 per request. */
const messagesSchema = z.array(lineMessageSchema).min(1).max(5);
const languagesSchema = z.partialRecord(z.enum(LOCALES), messagesSchema);

export const createBroadcastBodySchema = z
  .object({
    segmentId: z.string().min(1).optional(),
    condition: segmentConditionSchema.optional(),
    /**
     * LINE's demographic filter instead of a segment: sent by narrowcast, LINE picking the recipients
     * (no languages, variants, holdout, placeholders or tracked links: one body for everyone).
     */
    demographic: demographicFilterSchema.optional(),
    messages: messagesSchema,
    /** A version of the messages per member language; members of another language get `messages`. */
    languages: languagesSchema.optional(),
    /** More variants (B, C…) for an A/B test: the recipients are split evenly between A and these. */
    variants: z
      .array(z.object({ messages: messagesSchema, languages: languagesSchema.optional() }))
      .max(3)
      .optional(),
    /** Share of the recipients (0–50 %) that receives nothing, to measure what the message caused. */
    holdoutPercent: z.number().int().min(0).max(50).default(0),
    sendAt: z.iso.datetime({ offset: true }).optional(),
    /** Rewrite links per recipient to count clicks (`/r/:token`); such messages go one member per request. */
    trackLinks: z.boolean().default(true),
    /** Send even inside quiet hours (recorded in the audit log). */
    ignoreQuietHours: z.boolean().default(false),
    /**
     * If quiet hours begin during the send, the chunks not yet sent `wait` until they end or are `skip`ped
     * (counted). Left out: the brand's setting (Settings → Broadcasts).
     */
    quietHoursMidSend: z.enum(['wait', 'skip']).optional(),
  })
  .refine(
    (body) =>
      [body.segmentId, body.condition, body.demographic].filter((audience) => audience !== undefined)
        .length === 1,
    { message: 'give one of segmentId, condition or demographic', path: ['segmentId'] },
  )
  .refine(
    (body) =>
      body.demographic === undefined ||
      (body.languages === undefined &&
        body.variants === undefined &&
        body.holdoutPercent === 0 &&
        !PLACEHOLDERS.some((placeholder) => JSON.stringify(body.messages).includes(placeholder))),
    {
      message:
        'a demographic (narrowcast) broadcast has one body for everyone: no languages, variants, holdout or placeholders',
      path: ['demographic'],
    },
  )
  .refine((body) => body.demographic === undefined || body.quietHoursMidSend !== 'skip', {
    message:
      'a demographic (narrowcast) broadcast always waits for quiet hours to end: LINE picks its recipients, so none can be skipped',
    path: ['quietHoursMidSend'],
  });

export type CreateBroadcastInput = z.infer<typeof createBroadcastBodySchema>;

/** "Send a test to me": the composed messages, sent to the sender's own verified LINE account. */
export const testSendBodySchema = z.object({
  messages: messagesSchema,
  languages: languagesSchema.optional(),
  /** The console's language: the version sent when the sender's LINE account is not a member. */
  locale: z.enum(LOCALES).optional(),
});

export type TestSendInput = z.infer<typeof testSendBodySchema>;
