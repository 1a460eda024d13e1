import { z } from 'zod';

/**
 * A Flex message as the Messaging API reference defines it, with LINE's limits: a bubble's JSON at most
 * 30 KB, a carousel at most 12 bubbles and 50 KB, altText 1–1,500 characters, https image URLs of at most
 * 2,000 characters, action labels of at most 40 characters (20 in quick replies). Properties it does not
 * check (margins, offsets…) pass as they are, for LINE to judge.
 *
 * Pure (zod only): the server validates broadcasts with it and the console's Flex editor validates the
 * pasted JSON with it, so both say the same thing at the same path.
 */

export const FLEX_LIMITS = {
  bubbleBytes: 30_000,
  carouselBytes: 50_000,
  carouselBubbles: 12,
  altTextChars: 1_500,
} as const;

/** What the schema says, by code (the console words them in its language: flex-messages.ts). */
export const FLEX_ERRORS = {
  urlLength: 'a URL has at most 2,000 characters',
  httpsUrl: 'must be an https:// URL',
  colour: 'must be a colour like #1DB446',
  actionType: 'an action type LINE knows (uri, message, postback…)',
  labelLength: 'a label has at most 40 characters',
  layout: 'layout must be horizontal, vertical or baseline',
  textEmpty: 'a text needs text (or spans in contents)',
  aspectRatio: 'aspectRatio is width:height, like 20:13',
  buttonLabel: 'a button needs a label',
  componentType: 'a component is box, text, image, video, icon, button, separator, spacer or filler',
  mustBeBox: 'must be a box',
  bubbleSize: 'size is nano, micro, deca, hecto, kilo, mega or giga',
  hero: 'a hero is a box, an image or a video',
  carouselMin: 'a carousel holds at least one bubble',
  carouselMax: 'a carousel holds at most 12 bubbles',
  containerType: 'contents is a bubble or a carousel',
  altTextRequired: 'altText is required (the words shown in notifications)',
  altTextLength: 'altText has at most 1,500 characters',
  bubbleBytes: "a bubble's JSON is at most 30 KB (this one is {size})",
  carouselBytes: "a carousel's JSON is at most 50 KB (this one is {size})",
  json: 'not valid JSON: {reason}',
} as const;

export type FlexErrorCode = keyof typeof FLEX_ERRORS;

const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;
const kb = (bytes: number) => `${Math.ceil(bytes / 100) / 10} KB`;

const httpsUrl = z
  .string()
  .max(2000, FLEX_ERRORS.urlLength)
  .regex(/^https:\/\//, FLEX_ERRORS.httpsUrl);
const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/, FLEX_ERRORS.colour);

const actionSchema = z.looseObject({
  type: z.enum(
    [
      'postback',
      'message',
      'uri',
      'datetimepicker',
      'camera',
      'cameraRoll',
      'location',
      'richmenuswitch',
      'clipboard',
    ],
    { message: FLEX_ERRORS.actionType },
  ),
  label: z.string().max(40, FLEX_ERRORS.labelLength).optional(),
  uri: z.string().max(1000).optional(),
  text: z.string().max(300).optional(),
  data: z.string().max(300).optional(),
});

type FlexComponent = { type: string; [key: string]: unknown };

const spanSchema = z.looseObject({
  type: z.literal('span'),
  text: z.string(),
  color: hexColor.optional(),
});

const componentSchema: z.ZodType<FlexComponent> = z.lazy(() =>
  z.discriminatedUnion(
    'type',
    [
      z.looseObject({
        type: z.literal('box'),
        layout: z.enum(['horizontal', 'vertical', 'baseline'], {
          message: FLEX_ERRORS.layout,
        }),
        contents: z.array(componentSchema),
        backgroundColor: hexColor.optional(),
        borderColor: hexColor.optional(),
        action: actionSchema.optional(),
      }),
      z
        .looseObject({
          type: z.literal('text'),
          text: z.string().optional(),
          contents: z.array(spanSchema).optional(),
          color: hexColor.optional(),
          action: actionSchema.optional(),
        })
        .refine((text) => (text.text ?? '') !== '' || (text.contents?.length ?? 0) > 0, {
          message: FLEX_ERRORS.textEmpty,
          path: ['text'],
        }),
      z.looseObject({
        type: z.literal('image'),
        url: httpsUrl,
        aspectRatio: z
          .string()
          .regex(/^\d+(\.\d+)?:\d+(\.\d+)?$/, FLEX_ERRORS.aspectRatio)
          .optional(),
        action: actionSchema.optional(),
      }),
      z.looseObject({
        type: z.literal('video'),
        url: httpsUrl,
        previewUrl: httpsUrl,
        altContent: z.unknown(),
      }),
      z.looseObject({ type: z.literal('icon'), url: httpsUrl }),
      z.looseObject({
        type: z.literal('button'),
        action: actionSchema.refine((action) => (action.label ?? '') !== '', {
          message: FLEX_ERRORS.buttonLabel,
          path: ['label'],
        }),
        color: hexColor.optional(),
      }),
      z.looseObject({ type: z.literal('separator'), color: hexColor.optional() }),
      z.looseObject({ type: z.literal('spacer') }),
      z.looseObject({ type: z.literal('filler') }),
    ],
    { message: FLEX_ERRORS.componentType },
  ),
);

const boxSchema = componentSchema.refine((component) => component.type === 'box', {
  message: FLEX_ERRORS.mustBeBox,
});

export const flexBubbleSchema = z
  .looseObject({
    type: z.literal('bubble'),
    size: z
      .enum(['nano', 'micro', 'deca', 'hecto', 'kilo', 'mega', 'giga'], {
        message: FLEX_ERRORS.bubbleSize,
      })
      .optional(),
    header: boxSchema.optional(),
    hero: componentSchema
      .refine((component) => ['box', 'image', 'video'].includes(component.type), {
        message: FLEX_ERRORS.hero,
      })
      .optional(),
    body: boxSchema.optional(),
    footer: boxSchema.optional(),
    action: actionSchema.optional(),
  })
  .superRefine((bubble, context) => {
    const bytes = jsonBytes(bubble);
    if (bytes > FLEX_LIMITS.bubbleBytes)
      context.addIssue({
        code: 'custom',
        message: FLEX_ERRORS.bubbleBytes.replace('{size}', kb(bytes)),
        params: { code: 'bubbleBytes', size: kb(bytes) },
      });
  });

export const flexCarouselSchema = z
  .looseObject({
    type: z.literal('carousel'),
    contents: z
      .array(flexBubbleSchema)
      .min(1, FLEX_ERRORS.carouselMin)
      .max(FLEX_LIMITS.carouselBubbles, FLEX_ERRORS.carouselMax),
  })
  .superRefine((carousel, context) => {
    const bytes = jsonBytes(carousel);
    if (bytes > FLEX_LIMITS.carouselBytes)
      context.addIssue({
        code: 'custom',
        message: FLEX_ERRORS.carouselBytes.replace('{size}', kb(bytes)),
        params: { code: 'carouselBytes', size: kb(bytes) },
      });
  });

export const flexContainerSchema = z.discriminatedUnion('type', [flexBubbleSchema, flexCarouselSchema], {
  message: FLEX_ERRORS.containerType,
});

/** A whole Flex message object (`{ type: 'flex', altText, contents }`). */
export const flexMessageSchema = z.looseObject({
  type: z.literal('flex'),
  altText: z
    .string()
    .trim()
    .min(1, FLEX_ERRORS.altTextRequired)
    .max(FLEX_LIMITS.altTextChars, FLEX_ERRORS.altTextLength),
  contents: flexContainerSchema,
});

/** A problem at a JSON path; `code` (with `vars`) when it is one of FLEX_ERRORS, for words in other languages. */
export type FlexProblem = {
  path: string;
  message: string;
  code?: FlexErrorCode;
  vars?: Record<string, string>;
};

const CODE_OF = new Map(Object.entries(FLEX_ERRORS).map(([code, message]) => [message as string, code]));

/** Where zod found problems, as `contents.contents[12]` paths with a message each (at most `max`). */
export function flexProblems(
  error: z.ZodError,
  { max = 5, under = [] as PropertyKey[] } = {},
): FlexProblem[] {
  return error.issues.slice(0, max).map((issue) => ({
    path: (issue.path.length >= under.length && under.every((key, index) => issue.path[index] === key)
      ? issue.path.slice(under.length)
      : issue.path
    )
      .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
      .join(''),
    message: issue.message,
    ...codeOf(issue),
  }));
}

function codeOf(issue: z.core.$ZodIssue): Pick<FlexProblem, 'code' | 'vars'> {
  const params = (issue as { params?: { code?: FlexErrorCode; size?: string } }).params;
  if (params?.code) return { code: params.code, vars: { size: params.size ?? '' } };
  const code = CODE_OF.get(issue.message) as FlexErrorCode | undefined;
  return code ? { code } : {};
}

/**
 * The console's Flex editor field: JSON text that is a Flex container (bubble or carousel) or a whole
 * Flex message. A container gets `altText` as its alt text. Answers the message or the problems, each
 * with its place (a JSON syntax error: line and column).
 */
export function parseFlexInput(
  text: string,
  altText: string,
): { ok: true; message: z.infer<typeof flexMessageSchema> } | { ok: false; problems: FlexProblem[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(reason);
    const position = at ? Number(at[1]) : undefined;
    const where =
      position === undefined
        ? ''
        : (() => {
            const before = text.slice(0, position).split('\n');
            return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
          })();
    return {
      ok: false,
      problems: [{ path: where, message: `not valid JSON: ${reason}`, code: 'json', vars: { reason } }],
    };
  }
  const object =
    json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  const message = object.type === 'flex' ? object : { type: 'flex', altText, contents: object };
  const parsed = flexMessageSchema.safeParse(message);
  if (parsed.success) return { ok: true, message: parsed.data };
  // A pasted container is told about in its own terms: `contents[12]`, not `contents.contents[12]`.
  return {
    ok: false,
    problems: flexProblems(parsed.error, { under: message === object ? [] : ['contents'] }),
  };
}
