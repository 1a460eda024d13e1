import { z } from 'zod';

/**
 * The parts of LINE's webhook body Proofline relies on. Everything else in an event is kept as it came
 * (the payload is stored whole); unknown event types are stored too and answered with nothing.
 */
export const webhookEventSchema = z
  .object({
    type: z.string().min(1),
    webhookEventId: z.string().min(1),
    timestamp: z.number().int().nonnegative(),
    mode: z.string().optional(),
    replyToken: z.string().optional(),
    source: z.object({ type: z.string(), userId: z.string().optional() }).loose().optional(),
    deliveryContext: z.object({ isRedelivery: z.boolean() }).loose().optional(),
  })
  .loose();

export const webhookBodySchema = z.object({
  destination: z.string().optional(),
  // Each event is checked on its own (events.models.ts): one bad event does not refuse the delivery.
  events: z.array(z.unknown()),
});

export type WebhookEventPayload = z.infer<typeof webhookEventSchema>;
