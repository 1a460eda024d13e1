import type { Executor } from '../db/database.js';

/**
 * How a reward event reaches the member: queued in the caller's transaction under a dedupe key naming the
 * cause (`redemption:<id>`, `draw-win:<id>`), so a retried request or job never sends it twice; the
 * messaging capability derives the X-Line-Retry-Key from that key.
 */
export type RewardsNotifier = (input: {
  tx: Executor;
  brandId: string;
  memberId: string;
  dedupeKey: string;
  messages: Record<string, unknown>[];
}) => Promise<void>;

type Locale = 'zh-TW' | 'th' | 'en';
type Text = Record<Locale, string>;

function pick(text: Text, locale: string | null | undefined): string {
  return text[(locale ?? 'en') as Locale] ?? text.en;
}

function localizedName(name: Partial<Record<Locale, string>>, locale: string | null | undefined): string {
  return name[(locale ?? 'en') as Locale] ?? name['zh-TW'] ?? name.en ?? name.th ?? '';
}

export function buildRedemptionMessages({
  locale,
  rewardName,
  points,
  couponCode,
}: {
  locale: string | null | undefined;
  rewardName: Partial<Record<Locale, string>>;
  points: number;
  couponCode?: string;
}): Record<string, unknown>[] {
  const name = localizedName(rewardName, locale);
  const head = pick(
    {
      'zh-TW': `兌換成功：${name}（使用 ${points} 點）`,
      th: `แลกรางวัลสำเร็จ: ${name} (ใช้ ${points} คะแนน)`,
      en: `Redeemed: ${name} (${points} points)`,
    },
    locale,
  );
  const code = couponCode
    ? pick(
        { 'zh-TW': `\n序號：${couponCode}`, th: `\nรหัส: ${couponCode}`, en: `\nCode: ${couponCode}` },
        locale,
      )
    : '';
  return [{ type: 'text', text: `${head}${code}` }];
}

export function buildDrawWinMessages({
  locale,
  drawName,
  prizeName,
}: {
  locale: string | null | undefined;
  drawName: Partial<Record<Locale, string>>;
  prizeName: Partial<Record<Locale, string>>;
}): Record<string, unknown>[] {
  const draw = localizedName(drawName, locale);
  const prize = localizedName(prizeName, locale);
  return [
    {
      type: 'text',
      text: pick(
        {
          'zh-TW': `恭喜！您在「${draw}」抽中：${prize}。請於活動頁面填寫領獎資料。`,
          th: `ยินดีด้วย! คุณได้รับรางวัล ${prize} จาก "${draw}" กรุณากรอกข้อมูลรับรางวัลในหน้ากิจกรรม`,
          en: `Congratulations! You won ${prize} in "${draw}". Please fill in the claim form on the campaign page.`,
        },
        locale,
      ),
    },
  ];
}

export function buildInstantWinMessages({
  locale,
  prizeName,
}: {
  locale: string | null | undefined;
  prizeName: Partial<Record<Locale, string>>;
}): Record<string, unknown>[] {
  const prize = localizedName(prizeName, locale);
  return [
    {
      type: 'text',
      text: pick(
        {
          'zh-TW': `刮刮樂中獎：${prize}！`,
          th: `คุณได้รับรางวัลจากบัตรขูด: ${prize}!`,
          en: `Scratch card win: ${prize}!`,
        },
        locale,
      ),
    },
  ];
}
