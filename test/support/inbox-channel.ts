/**
 * A Taiwan brand with one LINE channel, as the webhook inbox tests seed it (`brand`, `channel`) and as the
 * inbox receives a channel (`row`: the table's row, what the webhook route looks up).
 */
export function inboxChannel(key: string, lineChannelId: string) {
  const name = key.charAt(0).toUpperCase() + key.slice(1);
  const brand = {
    id: `brd_${key}`,
    slug: key,
    name,
    country: 'TW' as const,
    defaultLocale: 'zh-TW' as const,
    timezone: 'Asia/Taipei',
  };
  const channel = {
    id: `chn_${key}`,
    brandId: brand.id,
    lineChannelId,
    name: `${name} channel`,
    channelSecret: 'secret',
    channelAccessToken: 'token',
  };
  const row = {
    ...channel,
    liffId: null,
    loginChannelId: null,
    botUserId: null,
    managedByEnv: false,
    createdAt: new Date(),
    updatedAt: new Date(),
  };
  return { brand, channel, row };
}
