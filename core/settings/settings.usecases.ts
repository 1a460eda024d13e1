import { recordAudit } from '../audit/index.js';
import {
  brandColumnsOf,
  broadcastSettingsOf,
  plansOfCountry,
  type BroadcastSettings,
  type BroadcastSettingsPatch,
  type LinePlan,
} from '../broadcasts/index.js';
import {
  createBrandNotFoundError,
  createBrandsRepository,
  currencyOfCountry,
  type Brand,
  type LineChannel,
} from '../brands/index.js';
import type { Database } from '../db/database.js';
import {
  isLineApiError,
  setupDefaultRichMenu,
  type LineMessenger,
  type RichMenuDefinition,
} from '../messaging/index.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import {
  createChannelManagedByEnvError,
  createChannelNotFoundError,
  createChannelTakenError,
  createLineRefusedError,
  createPlanOfAnotherCountryError,
  createUnknownTimeZoneError,
} from './settings.errors.js';
import { changesOf, isKnownTimeZone, maskSecret, webhookUrlOf } from './settings.models.js';

export type SettingsDeps = { db: Database; clock: Clock; generateId: IdGenerator };
/** The owner changing their brand's settings. */
export type SettingsActor = { userId: string; email: string; brandId: string };

export type BrandProfile = Pick<Brand, 'id' | 'slug' | 'name' | 'country' | 'timezone' | 'defaultLocale'> & {
  /** Follows the country (TWD in Taiwan, THB in Thailand): amounts, rules and receipts depend on it. */
  currency: 'TWD' | 'THB';
};

/** A channel as the console sees it: the secret and the token masked, the webhook URL to paste. */
export type ChannelView = {
  id: string;
  lineChannelId: string;
  name: string;
  liffId: string | null;
  loginChannelId: string | null;
  botUserId: string | null;
  managedByEnv: boolean;
  channelSecret: string;
  channelAccessToken: string;
  webhookUrl: string;
  liffUrl: string | null;
  updatedAt: Date;
};

function profileOf(brand: Brand): BrandProfile {
  return {
    id: brand.id,
    slug: brand.slug,
    name: brand.name,
    country: brand.country,
    timezone: brand.timezone,
    defaultLocale: brand.defaultLocale,
    currency: currencyOfCountry(brand.country),
  };
}

export function channelViewOf(channel: LineChannel, baseUrl: string): ChannelView {
  return {
    id: channel.id,
    lineChannelId: channel.lineChannelId,
    name: channel.name,
    liffId: channel.liffId,
    loginChannelId: channel.loginChannelId,
    botUserId: channel.botUserId,
    managedByEnv: channel.managedByEnv,
    channelSecret: maskSecret(channel.channelSecret),
    channelAccessToken: maskSecret(channel.channelAccessToken),
    webhookUrl: webhookUrlOf(baseUrl, channel.lineChannelId),
    liffUrl: channel.liffId ? `https://liff.line.me/${channel.liffId}` : null,
    updatedAt: channel.updatedAt,
  };
}

/** The brand's broadcast settings, with the LINE plans of its country to choose from. */
export type BroadcastSettingsView = BroadcastSettings & { plans: LinePlan[] };

function broadcastSettingsViewOf(brand: Brand): BroadcastSettingsView {
  return { ...broadcastSettingsOf(brand), plans: plansOfCountry(brand.country) };
}

export async function getBrandSettings(
  deps: Pick<SettingsDeps, 'db' | 'generateId'>,
  { brandId, baseUrl }: { brandId: string; baseUrl: string },
): Promise<{ brand: BrandProfile; channels: ChannelView[]; broadcasts: BroadcastSettingsView }> {
  const repository = createBrandsRepository(deps);
  const brand = await repository.getBrandById(brandId);
  if (!brand) throw createBrandNotFoundError(brandId);
  const channels = await repository.listChannels(brandId);
  return {
    brand: profileOf(brand),
    channels: channels
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map((channel) => channelViewOf(channel, baseUrl)),
    broadcasts: broadcastSettingsViewOf(brand),
  };
}

/**
 * Changes the brand's broadcast settings: quiet hours, what a send does when they begin, the frequency
 * cap, the LINE plan and its figures. Audited with the settings before and after, in the same
 * transaction. A plan of another country than the brand's is refused (400).
 */
export async function updateBroadcastSettings(
  deps: SettingsDeps,
  { actor, patch }: { actor: SettingsActor; patch: BroadcastSettingsPatch },
): Promise<{ broadcasts: BroadcastSettingsView; changed: string[] }> {
  return deps.db.transaction(async (tx) => {
    const repository = createBrandsRepository({ db: tx, generateId: deps.generateId });
    const before = await repository.getBrandById(actor.brandId, { lock: true });
    if (!before) throw createBrandNotFoundError(actor.brandId);
    const plan = patch.linePlan?.plan;
    if (plan && !plansOfCountry(before.country).some((candidate) => candidate.key === plan))
      throw createPlanOfAnotherCountryError({
        message: `The plan "${plan}" is not one of ${before.country === 'TW' ? 'Taiwan' : 'Thailand'}'s: choose one of ${plansOfCountry(
          before.country,
        )
          .map((candidate) => candidate.key)
          .join(', ')}`,
        details: { plan, country: before.country },
      });
    const columns = brandColumnsOf(patch);
    const changed = Object.keys(changesOf(before as Record<string, unknown>, columns));
    if (changed.length === 0) return { broadcasts: broadcastSettingsViewOf(before), changed };
    const saved = (await repository.updateBrand(actor.brandId, columns)) as Brand;
    const [from, to] = [broadcastSettingsOf(before), broadcastSettingsOf(saved)];
    await recordAudit(tx, deps, {
      brandId: actor.brandId,
      actorType: 'console_user',
      actorId: actor.userId,
      action: 'settings.broadcasts_updated',
      targetType: 'brand',
      targetId: actor.brandId,
      data: { by: actor.email, before: from, after: to },
    });
    return { broadcasts: broadcastSettingsViewOf(saved), changed };
  });
}

/** Changes the brand's profile (audited with each field's old and new value, in the same transaction). */
export async function updateBrandProfile(
  deps: SettingsDeps,
  {
    actor,
    patch,
  }: {
    actor: SettingsActor;
    patch: Partial<Pick<Brand, 'name' | 'country' | 'timezone' | 'defaultLocale'>>;
  },
): Promise<{ brand: BrandProfile; changed: string[] }> {
  if (patch.timezone !== undefined && !isKnownTimeZone(patch.timezone))
    throw createUnknownTimeZoneError({ details: { timezone: patch.timezone } });
  return deps.db.transaction(async (tx) => {
    const repository = createBrandsRepository({ db: tx, generateId: deps.generateId });
    const before = await repository.getBrandById(actor.brandId);
    if (!before) throw createBrandNotFoundError(actor.brandId);
    const changes = changesOf(before as Record<string, unknown>, patch);
    if (Object.keys(changes).length === 0) return { brand: profileOf(before), changed: [] };
    const saved = (await repository.updateBrand(actor.brandId, patch)) as Brand;
    await recordAudit(tx, deps, {
      brandId: actor.brandId,
      actorType: 'console_user',
      actorId: actor.userId,
      action: 'settings.brand_updated',
      targetType: 'brand',
      targetId: actor.brandId,
      data: { by: actor.email, changes },
    });
    return { brand: profileOf(saved), changed: Object.keys(changes) };
  });
}

export type ChannelInput = {
  lineChannelId: string;
  name: string;
  channelSecret: string;
  channelAccessToken: string;
  liffId?: string | null | undefined;
  loginChannelId?: string | null | undefined;
};

/** Connects a LINE channel to the brand. Audited by field names only: secrets never reach the log. */
export async function addBrandChannel(
  deps: SettingsDeps,
  { actor, input, baseUrl }: { actor: SettingsActor; input: ChannelInput; baseUrl: string },
): Promise<{ channel: ChannelView }> {
  return deps.db.transaction(async (tx) => {
    const repository = createBrandsRepository({ db: tx, generateId: deps.generateId });
    if (await repository.getChannelByLineChannelId(input.lineChannelId))
      throw createChannelTakenError({ details: { lineChannelId: input.lineChannelId } });
    const channel = await repository.insertChannel({
      brandId: actor.brandId,
      lineChannelId: input.lineChannelId,
      name: input.name,
      channelSecret: input.channelSecret,
      channelAccessToken: input.channelAccessToken,
      liffId: input.liffId ?? null,
      loginChannelId: input.loginChannelId ?? null,
      managedByEnv: false,
    });
    await recordAudit(tx, deps, {
      brandId: actor.brandId,
      actorType: 'console_user',
      actorId: actor.userId,
      action: 'settings.channel_saved',
      targetType: 'line_channel',
      targetId: channel.id,
      data: { by: actor.email, created: true, lineChannelId: channel.lineChannelId, name: channel.name },
    });
    return { channel: channelViewOf(channel, baseUrl) };
  });
}

async function getChannelOrThrow(deps: Pick<SettingsDeps, 'db' | 'generateId'>, brandId: string, id: string) {
  const channel = await createBrandsRepository(deps).getChannelById(brandId, id);
  if (!channel)
    throw createChannelNotFoundError({
      message: `No LINE channel "${id}" on this brand`,
      details: { channel: id },
    });
  return channel;
}

/**
 * Changes a channel's name, credentials or LIFF app. A secret or token left out keeps its value (the
 * console never has it to send back). A channel set by environment variables is refused (409).
 */
export async function updateBrandChannel(
  deps: SettingsDeps,
  {
    actor,
    channelId,
    patch,
    baseUrl,
  }: {
    actor: SettingsActor;
    channelId: string;
    patch: Partial<Omit<ChannelInput, 'lineChannelId'>>;
    baseUrl: string;
  },
): Promise<{ channel: ChannelView; changed: string[] }> {
  return deps.db.transaction(async (tx) => {
    const repository = createBrandsRepository({ db: tx, generateId: deps.generateId });
    const before = await getChannelOrThrow({ db: tx, generateId: deps.generateId }, actor.brandId, channelId);
    if (before.managedByEnv) throw createChannelManagedByEnvError({ details: { channel: channelId } });
    const changed = Object.keys(changesOf(before as Record<string, unknown>, patch));
    if (changed.length === 0) return { channel: channelViewOf(before, baseUrl), changed };
    const saved = (await repository.updateChannel(before.id, patch)) as LineChannel;
    await recordAudit(tx, deps, {
      brandId: actor.brandId,
      actorType: 'console_user',
      actorId: actor.userId,
      action: 'settings.channel_saved',
      targetType: 'line_channel',
      targetId: before.id,
      // Names of what changed; the values of secrets are never logged.
      data: { by: actor.email, created: false, lineChannelId: before.lineChannelId, changed },
    });
    return { channel: channelViewOf(saved, baseUrl), changed };
  });
}

function lineRefusal(error: unknown) {
  if (!isLineApiError(error)) throw error;
  let message = error.body ?? '';
  try {
    message = (JSON.parse(error.body ?? '') as { message?: string }).message ?? message;
  } catch {
    // LINE's body was not JSON: shown as it came.
  }
  return { status: error.status ?? null, message: message || error.message };
}

/**
 * Tries the channel's access token against LINE (`GET /v2/bot/info`): OK with the bot's name, or LINE's
 * own status and message. A working token also stores the bot's user id. Audited (never the token).
 */
export async function testChannelCredentials(
  deps: SettingsDeps & { messenger: Pick<LineMessenger, 'getBotInfo'> },
  { actor, channelId }: { actor: SettingsActor; channelId: string },
): Promise<
  | { ok: true; bot: { userId: string; basicId: string | null; displayName: string | null } }
  | { ok: false; status: number | null; message: string }
> {
  const channel = await getChannelOrThrow(deps, actor.brandId, channelId);
  let result:
    | { ok: true; bot: { userId: string; basicId: string | null; displayName: string | null } }
    | { ok: false; status: number | null; message: string };
  try {
    const info = await deps.messenger.getBotInfo(channel);
    result = {
      ok: true,
      bot: { userId: info.userId, basicId: info.basicId ?? null, displayName: info.displayName ?? null },
    };
  } catch (error) {
    result = { ok: false, ...lineRefusal(error) };
  }
  await deps.db.transaction(async (tx) => {
    if (result.ok && result.bot.userId !== channel.botUserId)
      await createBrandsRepository({ db: tx, generateId: deps.generateId }).updateChannel(channel.id, {
        botUserId: result.bot.userId,
      });
    await recordAudit(tx, deps, {
      brandId: actor.brandId,
      actorType: 'console_user',
      actorId: actor.userId,
      action: 'settings.channel_tested',
      targetType: 'line_channel',
      targetId: channel.id,
      data: { by: actor.email, ok: result.ok, ...(result.ok ? {} : { status: result.status }) },
    });
  });
  return result;
}

/** Puts the default rich menu (bot/richmenu) on the channel, its buttons opening the channel's LIFF app. */
export async function setupChannelRichMenu(
  deps: SettingsDeps & { messenger: LineMessenger },
  {
    actor,
    channelId,
    definition,
    image,
  }: { actor: SettingsActor; channelId: string; definition: RichMenuDefinition; image: Buffer },
): Promise<{ richMenuId: string }> {
  const channel = await getChannelOrThrow(deps, actor.brandId, channelId);
  let richMenuId: string;
  try {
    ({ richMenuId } = await setupDefaultRichMenu({
      messenger: deps.messenger,
      channel,
      definition,
      image,
      contentType: 'image/png',
    }));
  } catch (error) {
    const refusal = lineRefusal(error);
    throw createLineRefusedError({
      message: `LINE refused the rich menu${refusal.status ? ` (${refusal.status})` : ''}: ${refusal.message}`,
      details: refusal,
    });
  }
  await recordAudit(deps.db, deps, {
    brandId: actor.brandId,
    actorType: 'console_user',
    actorId: actor.userId,
    action: 'settings.rich_menu_set',
    targetType: 'line_channel',
    targetId: channel.id,
    data: { by: actor.email, richMenuId },
  });
  return { richMenuId };
}
