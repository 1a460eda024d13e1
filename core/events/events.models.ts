import { createHash } from 'node:crypto';
import type { LineChannel } from '../brands/index.js';
import { isStorableJsonText, storableJson, storableString } from '../shared/storable-text.js';
import { createWebhookBadJsonError } from './events.errors.js';
import type { NewWebhookEvent } from './events.repository.js';
import { webhookBodySchema, webhookEventSchema } from './events.schemas.js';

/**
 * A webhook body (already signature-checked) as inbox rows of the channel, one per event. A body that
 * is not JSON, or has no `events` array, is a bad-JSON error (400) before anything is stored.
 *
 * One event never costs the others of its delivery: text PostgreSQL cannot hold (U+0000, lone
 * surrogates) is made storable in the payload and the event's JSON as it came is kept beside it as
 * escaped text (`rawJson`); an event that is not LINE's shape or has an impossible timestamp is stored
 * already parked (`failed`, with the reason), so `proofline events list-failed` shows it and the
 * delivery still answers 200.
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
  const text = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  try {
    parsedJson = JSON.parse(text);
  } catch (error) {
    throw createWebhookBadJsonError({ cause: error });
  }
  const parsed = webhookBodySchema.safeParse(parsedJson);
  if (!parsed.success) {
    throw createWebhookBadJsonError({
      details: { issues: parsed.error.issues.slice(0, 5).map((issue) => issue.path.join('.')) },
    });
  }
  // Most bodies hold nothing to make storable: seen once in the text, not string by string in each event.
  const storable = isStorableJsonText(text);
  return parsed.data.events.map((raw) => toInboxRow({ channel, raw, receivedAt, storable }));
}

/** The latest time PostgreSQL and JS both hold comfortably (year 9999); LINE's are milliseconds now. */
const MAX_EVENT_TIME_MS = Date.parse('9999-12-31T23:59:59.999Z');

function toInboxRow({
  channel,
  raw,
  receivedAt,
  storable,
}: {
  channel: Pick<LineChannel, 'id' | 'brandId'>;
  raw: unknown;
  receivedAt: Date;
  /** Every string of the body is storable as it is (`isStorableJsonText`). */
  storable: boolean;
}): NewWebhookEvent {
  // JSON.stringify escapes U+0000 and lone surrogates (\u0000, \ud800): the original, as storable text.
  // Kept only when the payload had to be changed or the event is parked, so written only then.
  const rawJsonOf = () => JSON.stringify(raw) ?? 'null';
  const object =
    raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : { value: raw };
  const { value: payload, changed } = storable ? { value: object, changed: false } : storableJson(object);
  const base = {
    brandId: channel.brandId,
    channelId: channel.id,
    payload,
    rawJson: changed ? rawJsonOf() : null,
    nextAttemptAt: receivedAt,
    receivedAt,
  };
  const event = webhookEventSchema.safeParse(payload);
  if (!event.success) {
    const issue = event.error.issues[0];
    const id = typeof payload.webhookEventId === 'string' ? payload.webhookEventId : '';
    const rawJson = base.rawJson ?? rawJsonOf();
    return {
      ...base,
      rawJson,
      // No usable id: the event's own bytes key it, so a redelivery is still stored once.
      webhookEventId: id || `invalid:${createHash('sha256').update(rawJson).digest('hex').slice(0, 32)}`,
      eventType: typeof payload.type === 'string' && payload.type ? payload.type : 'invalid',
      lineUserId: null,
      isRedelivery: false,
      occurredAt: receivedAt,
      state: 'failed',
      lastError: `invalid event: ${issue?.path.join('.') || 'event'}: ${issue?.message ?? 'not a LINE event'}`,
    };
  }
  const data = event.data;
  const common = {
    ...base,
    webhookEventId: data.webhookEventId,
    eventType: data.type,
    lineUserId: data.source?.userId ?? null,
    isRedelivery: data.deliveryContext?.isRedelivery ?? false,
  };
  if (data.timestamp > MAX_EVENT_TIME_MS) {
    return {
      ...common,
      rawJson: base.rawJson ?? rawJsonOf(),
      occurredAt: receivedAt,
      state: 'failed',
      lastError: `invalid event: timestamp: ${storableString(String(data.timestamp))} is not a possible time`,
    };
  }
  return { ...common, occurredAt: new Date(data.timestamp) };
}

/** The inbox's idempotency key of an event: (channel, webhookEventId). */
export function webhookEventKey(event: { channelId: string; webhookEventId: string }): string {
  return `${event.channelId}\u0000${event.webhookEventId}`;
}

/** Message types whose answer reads the media first (a photo is read by OCR): not for the answer lanes. */
export const MEDIA_MESSAGE_TYPES = ['image', 'video', 'audio', 'file'] as const;

/** Whether an event's answer reads media first (a photo, video, audio or file message). */
export function readsMedia(event: { eventType: string; payload: Record<string, unknown> }): boolean {
  const message = event.payload.message as { type?: unknown } | undefined;
  return event.eventType === 'message' && (MEDIA_MESSAGE_TYPES as readonly unknown[]).includes(message?.type);
}
