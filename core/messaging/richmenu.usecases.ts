import type { LineChannel } from '../brands/index.js';
import type { LineMessenger, RichMenuDefinition } from './messaging.types.js';

/**
 * Puts a channel's default rich menu in place: creates the menu from the definition (its `{{liffUrl}}`
 * filled with the channel's LIFF app), uploads the image and makes it the default for every user.
 */
export async function setupDefaultRichMenu({
  messenger,
  channel,
  definition,
  image,
  contentType,
}: {
  messenger: LineMessenger;
  channel: Pick<LineChannel, 'lineChannelId' | 'channelAccessToken' | 'liffId'>;
  definition: RichMenuDefinition;
  image: Buffer;
  contentType: 'image/png' | 'image/jpeg';
}): Promise<{ richMenuId: string }> {
  const liffUrl = channel.liffId ? `https://liff.line.me/${channel.liffId}` : 'https://line.me';
  const filled = JSON.parse(
    JSON.stringify(definition).replaceAll('{{liffUrl}}', liffUrl),
  ) as RichMenuDefinition;
  const credentials = {
    lineChannelId: channel.lineChannelId,
    channelAccessToken: channel.channelAccessToken,
  };
  const richMenuId = await messenger.createRichMenu(credentials, filled);
  await messenger.setRichMenuImage(credentials, { richMenuId, image, contentType });
  await messenger.setDefaultRichMenu(credentials, richMenuId);
  return { richMenuId };
}
