import { createErrorFactory } from '../shared/errors.js';

export const createWebhookBadJsonError = createErrorFactory({
  code: 'webhook.bad_json',
  message: 'The webhook body is not a LINE webhook JSON document',
  statusCode: 400,
});

export const createWebhookBadSignatureError = createErrorFactory({
  code: 'webhook.bad_signature',
  message: 'Invalid or missing x-line-signature',
  statusCode: 401,
});

export const createWebhookUnknownChannelError = createErrorFactory({
  code: 'webhook.unknown_channel',
  message: 'No LINE channel with this id',
  statusCode: 404,
});
