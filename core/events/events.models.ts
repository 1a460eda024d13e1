import type { LineChannel } from '../brands/index.js';
import { createWebhookBadJsonError } from './events.errors.js';
import type { NewWebhookEvent } from './events.repository.js';
import { webhookBodySchema } from './events.schemas.js';

/**
 * A webhook body (already signature-checked) as inbox rows of the channel, one per event; a body that
 * is not JSON, or not LINE's shape, is a bad-JSON error (400) before anything is stored.
 */
export function parseWebhookBody({
  channel,
  rawBody,
  receivedAt,
}: {
  channel: Pick<LineChannel, 'id' | 'brandId'>;
  rawBody: Buffer | string;
  receivedAt: Date;
}): NewWebhookEvent[] {
  let parsedJson: unknown;
  try {
    parsedJson = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch (error) {
    throw createWebhookBadJsonError({ cause: error });
  }
  const parsed = webhookBodySchema.safeParse(parsedJson);
  if (!parsed.success) {
    throw createWebhookBadJsonError({
      details: { issues: parsed.error.issues.slice(0, 5).map((issue) => issue.path.join('.')) },
    });
  }
  return parsed.data.events.map((event) => ({
    brandId: channel.brandId,
    channelId: channel.id,
    webhookEventId: event.webhookEventId,
    eventType: event.type,
    lineUserId: event.source?.userId ?? null,
    payload: event as Record<string, unknown>,
    isRedelivery: event.deliveryContext?.isRedelivery ?? false,
    occurredAt: new Date(event.timestamp),
    nextAttemptAt: receivedAt,
    receivedAt,
  }));
}

/** The inbox's idempotency key of an event: (channel, webhookEventId). */
export function webhookEventKey(event: { channelId: string; webhookEventId: string }): string {
  return `${event.channelId}\u0000${event.webhookEventId}`;
}
