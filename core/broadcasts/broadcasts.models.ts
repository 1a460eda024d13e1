import { createHash, randomBytes } from 'node:crypto';
import { addDays, localDateOf, startOfLocalDay } from '../campaigns/index.js';
import { PLACEHOLDERS } from './broadcasts.placeholders.js';
import type { QuietHours } from './broadcasts.settings.js';
import type { BroadcastVariant } from './broadcasts.table.js';

/** LINE takes at most 500 user ids per multicast. */
export const CHUNK_SIZE = 500;

/** After this many attempts a chunk is failed for good. */
export const MAX_CHUNK_ATTEMPTS = 8;

export { fillPlaceholders, PLACEHOLDERS } from './broadcasts.placeholders.js';

/**
 * Whether `at` falls in the brand's quiet hours (minutes after midnight in `timeZone`; the window may wrap
 * midnight), and if so when they end (the time a waiting broadcast or chunk goes out).
 */
export function quietHoursAt(
  at: Date,
  timeZone: string,
  hours: QuietHours,
): { quiet: false } | { quiet: true; endsAt: Date } {
  const today = localDateOf(at, timeZone);
  const minute = (at.getTime() - startOfLocalDay(today, timeZone).getTime()) / 60_000;
  const wraps = hours.startMinute > hours.endMinute;
  const inside = wraps
    ? minute >= hours.startMinute || minute < hours.endMinute
    : minute >= hours.startMinute && minute < hours.endMinute;
  if (!inside) return { quiet: false };
  const endDay = minute < hours.endMinute ? today : addDays(today, 1);
  return {
    quiet: true,
    endsAt: new Date(startOfLocalDay(endDay, timeZone).getTime() + hours.endMinute * 60_000),
  };
}

/**
 * Splits recipients into the holdout group and the variants: a stable order by a hash of broadcast and
 * member (not by id, which follows sign-up time), the first `round(n × holdout %)` held out, the rest
 * dealt to the variants in turn. The same input always gives the same split.
 */
export function assignGroups<T extends { memberId: string }>(
  broadcastId: string,
  recipients: T[],
  { variantKeys, holdoutPercent }: { variantKeys: string[]; holdoutPercent: number },
): (T & { groupKey: string })[] {
  const ordered = recipients
    .map((recipient) => ({
      recipient,
      rank: createHash('sha256').update(`${broadcastId}:${recipient.memberId}`).digest('hex'),
    }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
  const holdout = Math.round((ordered.length * holdoutPercent) / 100);
  return ordered.map(({ recipient }, index) => ({
    ...recipient,
    groupKey: index < holdout ? 'holdout' : variantKeys[(index - holdout) % variantKeys.length]!,
  }));
}

/** The messages a member of `locale` gets in a variant: its language version, else the default. */
export function messagesFor(variant: BroadcastVariant, locale: string): Record<string, unknown>[] {
  return variant.languages[locale] ?? variant.messages;
}

export function hasPlaceholders(messages: unknown): boolean {
  const text = JSON.stringify(messages);
  return PLACEHOLDERS.some((placeholder) => text.includes(placeholder));
}

/** Wait before the next attempt of a chunk: 1 s, 2 s, 4 s… capped at a minute. */
export function chunkBackoffMs(attempts: number): number {
  return Math.min(60_000, 1_000 * 2 ** Math.max(0, attempts - 1));
}

export function splitIntoChunks<T>(items: T[], size = CHUNK_SIZE): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** A web link in message text; trailing punctuation is the sentence's, not the link's. */
const URL_IN_TEXT = /https?:\/\/[^\s<>"'`）】」]+/g;
const TRAILING_PUNCTUATION = /[.,!?;:，。！？；：)]+$/;

function urlsInText(text: string): string[] {
  return [...text.matchAll(URL_IN_TEXT)].map((match) => match[0].replace(TRAILING_PUNCTUATION, ''));
}

/**
 * Walks the messages, handing every link to `visit`: URLs inside text, and the `uri` of actions (buttons,
 * card taps). Image and video `url`s are content, not links, and are left alone. Returns the messages
 * with each link replaced by what `visit` answered.
 */
function mapLinks(
  messages: Record<string, unknown>[],
  visit: (url: string) => string,
): Record<string, unknown>[] {
  const walk = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') {
      if (key === 'uri') return /^https?:\/\//.test(value) ? visit(value) : value;
      if (key === 'text') {
        let out = value;
        for (const url of urlsInText(value)) out = out.split(url).join(visit(url));
        return out;
      }
      return value;
    }
    if (Array.isArray(value)) return value.map((inner) => walk(inner));
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, walk(inner, name)]));
    return value;
  };
  return messages.map((message) => walk(message) as Record<string, unknown>);
}

/** The distinct links of the messages, in the order they appear. */
export function linksIn(messages: Record<string, unknown>[]): string[] {
  const found = new Set<string>();
  mapLinks(messages, (url) => {
    found.add(url);
    return url;
  });
  return [...found];
}

/** The messages with every link replaced (`replace` gets each distinct link once per call). */
export function rewriteLinks(
  messages: Record<string, unknown>[],
  replace: (url: string) => string,
): Record<string, unknown>[] {
  const replaced = new Map<string, string>();
  return mapLinks(messages, (url) => {
    if (!replaced.has(url)) replaced.set(url, replace(url));
    return replaced.get(url)!;
  });
}

/** A tracked link's token: 96 random bits, URL-safe (16 characters). */
export function generateLinkToken(): string {
  return randomBytes(12).toString('base64url');
}

/** The destination with UTM tags naming LINE, the broadcast and its variant (tags already there stay). */
export function withUtmTags(url: string, { broadcastId, group }: { broadcastId: string; group: string }) {
  const target = new URL(url);
  const tags = { utm_source: 'line', utm_medium: 'broadcast', utm_campaign: broadcastId, utm_content: group };
  for (const [name, value] of Object.entries(tags))
    if (!target.searchParams.has(name)) target.searchParams.set(name, value);
  return target.toString();
}
