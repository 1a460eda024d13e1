import { createHmac } from 'node:crypto';

/** The x-line-signature LINE puts on a webhook: base64 HMAC-SHA256 of the raw body with the channel secret. */
export function signWebhookBody(body: string | Buffer, channelSecret: string): string {
  return createHmac('sha256', channelSecret).update(body).digest('base64');
}

/**
 * POSTs a webhook body to the bot the way LINE does (signed with the channel secret). `signature`
 * overrides the computed one (a forged request); `null` sends none.
 */
export async function sendWebhook({
  url,
  channelSecret,
  body,
  signature,
}: {
  url: string;
  channelSecret: string;
  body: string;
  signature?: string | null;
}): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'LineBotWebhook/2.0',
  };
  const computed = signature === undefined ? signWebhookBody(body, channelSecret) : signature;
  if (computed !== null) headers['x-line-signature'] = computed;
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: await response.text() };
}
