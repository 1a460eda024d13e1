import { createErrorFactory } from '../shared/errors.js';

export const createBroadcastNotFoundError = createErrorFactory({
  code: 'broadcast.not_found',
  message: 'No such broadcast on this brand',
  statusCode: 404,
});

export const createBroadcastNoChannelError = createErrorFactory({
  code: 'broadcast.no_channel',
  message: 'The brand has no LINE channel to broadcast on',
  statusCode: 409,
});

/** The month's message quota cannot cover the recipients: nothing was sent. */
export const createBroadcastQuotaExceededError = createErrorFactory({
  code: 'broadcast.quota_exceeded',
  message: "This month's LINE message quota cannot cover the broadcast",
  statusCode: 409,
});

export const createBroadcastNotEditableError = createErrorFactory({
  code: 'broadcast.already_finished',
  message: 'The broadcast has already finished or was cancelled',
  statusCode: 409,
});

export const createBroadcastLinkNotFoundError = createErrorFactory({
  code: 'broadcast.link_not_found',
  message: 'This link does not exist or has expired',
  statusCode: 404,
});

/** Test sends are limited per console user and brand (TEST_SENDS_PER_HOUR). */
export const createBroadcastTestRateLimitedError = createErrorFactory({
  code: 'broadcast.test_rate_limited',
  message: 'Too many test sends in the last hour: wait a while before sending another',
  statusCode: 429,
});

/**
 * Narrowcast cannot leave out members without marketing consent: refused where the country requires
 * opt-in consent (Thailand). docs/decisions/013-narrowcast-consent.md
 */
export const createBroadcastNarrowcastNeedsConsentError = createErrorFactory({
  code: 'broadcast.narrowcast_needs_consent',
  message:
    "This brand's country requires opt-in marketing consent, and LINE's demographic filters cannot leave out members who have not given it: send to a segment instead",
  statusCode: 409,
});
