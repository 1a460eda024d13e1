import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import type { Locale } from '../i18n/index.js';
import type { IdGenerator } from '../shared/ids.js';
import { consents } from './members.table.js';

export type ConsentKind = 'data_processing' | 'marketing';
export const CONSENT_KINDS: ConsentKind[] = ['data_processing', 'marketing'];

type ConsentText = { version: string; text: Record<Locale, string> };

/**
 * The consent texts a member is shown, versioned: a consent row records the version the member saw, so
 * a changed text asks again (PDPA: consent must be informed, and provable). Bump the version whenever a
 * word changes; the LIFF page gets the texts from the API, so it never shows a text the server does not know.
 */
export const CONSENT_TEXTS: Record<ConsentKind, ConsentText> = {
  data_processing: {
    version: 'dp-2026-01',
    text: {
      'zh-TW':
        '我同意本品牌依個人資料保護法，為辦理本活動（登錄發票、發放點數與獎項、中獎通知及稅務申報）蒐集、處理及利用我的姓名、電話、電子郵件、性別、生日及地區。我可隨時查詢、更正或刪除我的資料。',
      th: 'ข้าพเจ้ายินยอมให้แบรนด์เก็บรวบรวม ใช้ และประมวลผลชื่อ เบอร์โทรศัพท์ อีเมล เพศ วันเกิด และภูมิภาคของข้าพเจ้า ตามพระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล เพื่อดำเนินกิจกรรมนี้ (ลงทะเบียนใบเสร็จ มอบคะแนนและรางวัล แจ้งผู้โชคดี) ข้าพเจ้าขอดู แก้ไข หรือลบข้อมูลได้ทุกเมื่อ',
      en: 'I agree that the brand collects, processes and uses my name, phone, e-mail, gender, birthday and region to run this campaign (registering proofs, awarding points and prizes, notifying winners, tax reporting). I can see, correct or erase my data at any time.',
    },
  },
  marketing: {
    version: 'mkt-2026-01',
    text: {
      'zh-TW': '我願意透過 LINE 收到本品牌的優惠與活動訊息。我可隨時取消訂閱。',
      th: 'ข้าพเจ้ายินดีรับข่าวสารและโปรโมชันจากแบรนด์ทาง LINE และยกเลิกได้ทุกเมื่อ',
      en: 'I would like to receive offers and campaign news from the brand on LINE. I can unsubscribe at any time.',
    },
  },
};

export type ConsentState = {
  granted: boolean;
  textVersion: string;
  recordedAt: Date;
  /** Whether any decision of this kind ever granted it: a refusal at sign-up is not a withdrawal. */
  everGranted: boolean;
};
export type CurrentConsents = Partial<Record<ConsentKind, ConsentState>>;

/** The consent in force per kind: the latest row (rows are appended, never updated). */
export async function getCurrentConsents(
  db: Executor,
  { brandId, memberId }: { brandId: string; memberId: string },
): Promise<CurrentConsents> {
  const rows = await db
    .select()
    .from(consents)
    .where(and(eq(consents.brandId, brandId), eq(consents.memberId, memberId)))
    .orderBy(desc(consents.recordedAt), desc(consents.id));
  const current: CurrentConsents = {};
  for (const row of rows) {
    const state = current[row.kind];
    if (!state) {
      current[row.kind] = {
        granted: row.granted,
        textVersion: row.textVersion,
        recordedAt: row.recordedAt,
        everGranted: row.granted,
      };
    } else if (row.granted) state.everGranted = true;
  }
  return current;
}

export async function listConsentHistory(
  db: Executor,
  { brandId, memberId }: { brandId: string; memberId: string },
) {
  return db
    .select()
    .from(consents)
    .where(and(eq(consents.brandId, brandId), eq(consents.memberId, memberId)))
    .orderBy(consents.recordedAt, consents.id);
}

/** Appends one consent decision as evidence: what, which text version, in which language, when, from where. */
export async function recordConsent(
  db: Executor,
  input: {
    generateId: IdGenerator;
    brandId: string;
    memberId: string;
    kind: ConsentKind;
    granted: boolean;
    textVersion: string;
    locale: Locale;
    source: 'liff' | 'chat' | 'console' | 'erasure';
    at: Date;
  },
) {
  const [row] = await db
    .insert(consents)
    .values({
      id: input.generateId('consent'),
      brandId: input.brandId,
      memberId: input.memberId,
      kind: input.kind,
      granted: input.granted,
      textVersion: input.textVersion,
      locale: input.locale,
      source: input.source,
      recordedAt: input.at,
    })
    .returning();
  return row!;
}
