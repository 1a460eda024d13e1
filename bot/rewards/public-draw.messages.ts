import type { Locale } from '../../core/i18n/index.js';

const en = {
  'page.title': 'Draw verification: {draw}',
  'page.lead':
    'This page lets anyone check that the winners of this draw were not picked by hand. Nothing on it identifies a member: each one appears as a pseudonym.',
  'field.brand': 'Brand',
  'field.campaign': 'Campaign',
  'field.period': 'Entries earned',
  'field.status': 'Status',
  'field.permit': 'Lucky draw permit',
  'field.permitProvince': 'issued by {province}',
  'status.open': 'Open: the draw has not run yet',
  'status.drawn': 'Drawn on {date}',
  'commit.title': '1. The commitment, published before the draw',
  'commit.hash': 'Seed hash (SHA-256)',
  'commit.publishedAt': 'Published on',
  'commit.explain':
    'When the draw was opened, Proofline chose a secret random seed and published only its SHA-256 hash. The seed cannot be changed afterwards without the hash changing.',
  'reveal.title': '2. The revealed seed',
  'reveal.seed': 'Seed',
  'reveal.revealedAt': 'Revealed on',
  'reveal.pending': 'The seed is revealed when the draw runs, after the period closes.',
  'entries.title': '3. The entries',
  'entries.count': '{count} entries, {chances} chances',
  'entries.digest': 'Entry list digest',
  'entries.pending': 'The entry list is fixed and published when the draw runs.',
  'winners.title': '4. Winners and reserves',
  'winners.rank': 'Rank',
  'winners.prize': 'Prize',
  'winners.member': 'Member (pseudonym)',
  'winners.entry': 'Entry',
  'winners.reserve': 'Reserve {number}',
  'winners.forfeited': 'forfeited',
  'winners.forfeitedVoided': 'forfeited: the invoice was voided',
  'winners.steppedUp': 'receives {prize} (replaces rank {rank})',
  'winners.none': 'No entries were drawn.',
  'winners.pending': 'The winners appear here once the draw has run.',
  'verify.title': 'Check it yourself',
  'verify.steps':
    'Download the published record (JSON, format {format}). It holds the seed, its hash, the entry list and the winners.|Check that SHA-256 of the seed (as UTF-8 text) equals the seed hash above, published before the draw.|Sort the entries by id and compute the SHA-256 of the lines "id TAB pseudonym TAB chances LF": it must equal the entry list digest.|Derive the random stream from the seed and the digest with HMAC-SHA256, and pick each place by chances, without replacement, in the published order of prizes then reserves ({algorithm}).|The recomputed winners must equal the list above, rank by rank.',
  'verify.command': 'Or let Proofline do every step, with no database and no account:',
  'verify.algorithm':
    'The algorithm, step by step: docs/decisions/003-auditable-draws.md in the Proofline source.',
  'verify.download': 'Download the published record (JSON)',
  'verify.json': 'This draw as JSON',
  'lang.label': 'Language',
  'notFound.title': 'Draw not found',
  'notFound.body': 'There is no draw with this id. Check the link you were given.',
} as const;

type Messages = Record<keyof typeof en, string>;

const zhTW: Messages = {
  'page.title': '抽獎驗證：{draw}',
  'page.lead':
    '任何人都可以在此頁面確認本次抽獎的得獎者不是人為挑選的。頁面上沒有可識別會員的資料：每位會員都以代號顯示。',
  'field.brand': '品牌',
  'field.campaign': '活動',
  'field.period': '抽獎機會取得期間',
  'field.status': '狀態',
  'field.permit': '抽獎許可',
  'field.permitProvince': '核發單位：{province}',
  'status.open': '進行中：尚未開獎',
  'status.drawn': '已於 {date} 開獎',
  'commit.title': '1. 開獎前公布的承諾',
  'commit.hash': '種子雜湊值（SHA-256）',
  'commit.publishedAt': '公布時間',
  'commit.explain':
    '開啟抽獎時，Proofline 選出一組秘密的隨機種子，只公布其 SHA-256 雜湊值。之後若更改種子，雜湊值就會不同。',
  'reveal.title': '2. 公開的種子',
  'reveal.seed': '種子',
  'reveal.revealedAt': '公開時間',
  'reveal.pending': '期間結束、開獎後才會公開種子。',
  'entries.title': '3. 抽獎名單',
  'entries.count': '{count} 筆登錄，共 {chances} 次機會',
  'entries.digest': '名單摘要值',
  'entries.pending': '開獎時才會固定並公布抽獎名單。',
  'winners.title': '4. 得獎者與備取',
  'winners.rank': '順位',
  'winners.prize': '獎項',
  'winners.member': '會員（代號）',
  'winners.entry': '登錄',
  'winners.reserve': '備取 {number}',
  'winners.forfeited': '已放棄資格',
  'winners.forfeitedVoided': '資格取消：發票已作廢',
  'winners.steppedUp': '遞補獲得 {prize}（取代第 {rank} 順位）',
  'winners.none': '沒有抽出任何登錄。',
  'winners.pending': '開獎後，得獎者會顯示在這裡。',
  'verify.title': '自己驗證',
  'verify.steps':
    '下載公開紀錄（JSON，格式 {format}），內含種子、雜湊值、抽獎名單和得獎者。|確認種子（UTF-8 文字）的 SHA-256 等於上方開獎前公布的雜湊值。|將登錄依 id 排序，計算「id TAB 代號 TAB 機會數 LF」各行的 SHA-256：必須等於名單摘要值。|以 HMAC-SHA256 從種子和摘要值產生亂數序列，依機會數不放回地依序抽出各獎項再抽備取（{algorithm}）。|重新計算的得獎者必須與上方名單逐一相同。',
  'verify.command': '或讓 Proofline 完成每個步驟，不需要資料庫或帳號：',
  'verify.algorithm': '演算法的每個步驟：Proofline 原始碼中的 docs/decisions/003-auditable-draws.md。',
  'verify.download': '下載公開紀錄（JSON）',
  'verify.json': '本次抽獎的 JSON',
  'lang.label': '語言',
  'notFound.title': '找不到抽獎',
  'notFound.body': '沒有這個 id 的抽獎。請檢查您收到的連結。',
};

const th: Messages = {
  'page.title': 'ตรวจสอบการจับรางวัล: {draw}',
  'page.lead':
    'หน้านี้ให้ทุกคนตรวจสอบได้ว่าผู้ได้รับรางวัลของการจับรางวัลนี้ไม่ได้ถูกเลือกด้วยมือ ไม่มีข้อมูลใดระบุตัวสมาชิก: สมาชิกแต่ละคนแสดงเป็นนามแฝง',
  'field.brand': 'แบรนด์',
  'field.campaign': 'แคมเปญ',
  'field.period': 'ช่วงเวลาที่ได้สิทธิ์',
  'field.status': 'สถานะ',
  'field.permit': 'ใบอนุญาตจับรางวัล',
  'field.permitProvince': 'ออกโดย {province}',
  'status.open': 'เปิดอยู่: ยังไม่ได้จับรางวัล',
  'status.drawn': 'จับรางวัลเมื่อ {date}',
  'commit.title': '1. คำมั่นที่ประกาศก่อนจับรางวัล',
  'commit.hash': 'แฮชของซีด (SHA-256)',
  'commit.publishedAt': 'ประกาศเมื่อ',
  'commit.explain':
    'เมื่อเปิดการจับรางวัล Proofline สุ่มซีดลับและประกาศเพียงแฮช SHA-256 ของซีด หากเปลี่ยนซีดภายหลัง แฮชจะไม่ตรงกัน',
  'reveal.title': '2. ซีดที่เปิดเผย',
  'reveal.seed': 'ซีด',
  'reveal.revealedAt': 'เปิดเผยเมื่อ',
  'reveal.pending': 'ซีดจะเปิดเผยเมื่อจับรางวัล หลังจากช่วงเวลาสิ้นสุด',
  'entries.title': '3. รายการสิทธิ์',
  'entries.count': '{count} รายการ รวม {chances} สิทธิ์',
  'entries.digest': 'ค่าสรุปของรายการ',
  'entries.pending': 'รายการสิทธิ์จะถูกกำหนดและประกาศเมื่อจับรางวัล',
  'winners.title': '4. ผู้ได้รับรางวัลและตัวสำรอง',
  'winners.rank': 'ลำดับ',
  'winners.prize': 'รางวัล',
  'winners.member': 'สมาชิก (นามแฝง)',
  'winners.entry': 'สิทธิ์',
  'winners.reserve': 'ตัวสำรอง {number}',
  'winners.forfeited': 'สละสิทธิ์',
  'winners.forfeitedVoided': 'สละสิทธิ์: ใบกำกับภาษีถูกยกเลิก',
  'winners.steppedUp': 'ได้รับ {prize} (แทนลำดับ {rank})',
  'winners.none': 'ไม่มีสิทธิ์ใดถูกจับได้',
  'winners.pending': 'ผู้ได้รับรางวัลจะแสดงที่นี่หลังจับรางวัล',
  'verify.title': 'ตรวจสอบด้วยตัวเอง',
  'verify.steps':
    'ดาวน์โหลดบันทึกที่ประกาศ (JSON รูปแบบ {format}) ซึ่งมีซีด แฮช รายการสิทธิ์ และผู้ได้รับรางวัล|ตรวจว่า SHA-256 ของซีด (ข้อความ UTF-8) ตรงกับแฮชของซีดด้านบนที่ประกาศก่อนจับรางวัล|เรียงสิทธิ์ตาม id แล้วคำนวณ SHA-256 ของบรรทัด "id TAB นามแฝง TAB จำนวนสิทธิ์ LF": ต้องตรงกับค่าสรุปของรายการ|สร้างลำดับสุ่มจากซีดและค่าสรุปด้วย HMAC-SHA256 แล้วจับแต่ละลำดับตามจำนวนสิทธิ์แบบไม่คืนที่ ตามลำดับรางวัลแล้วตัวสำรอง ({algorithm})|ผู้ได้รับรางวัลที่คำนวณใหม่ต้องตรงกับรายการด้านบนทุกลำดับ',
  'verify.command': 'หรือให้ Proofline ทำทุกขั้นตอน โดยไม่ต้องใช้ฐานข้อมูลหรือบัญชี:',
  'verify.algorithm': 'อัลกอริทึมทีละขั้นตอน: docs/decisions/003-auditable-draws.md ในซอร์สโค้ดของ Proofline',
  'verify.download': 'ดาวน์โหลดบันทึกที่ประกาศ (JSON)',
  'verify.json': 'การจับรางวัลนี้ในรูปแบบ JSON',
  'lang.label': 'ภาษา',
  'notFound.title': 'ไม่พบการจับรางวัล',
  'notFound.body': 'ไม่มีการจับรางวัลที่มี id นี้ โปรดตรวจสอบลิงก์ที่ได้รับ',
};

export type PublicDrawMessageKey = keyof typeof en;

export const publicDrawMessages: Record<Locale, Messages> = { en, 'zh-TW': zhTW, th };

/** `{name}` placeholders filled from `values`; the words come from the page's own catalog. */
export function translatePublicDraw(
  locale: Locale,
  key: PublicDrawMessageKey,
  values: Record<string, string | number> = {},
): string {
  return publicDrawMessages[locale][key].replace(/\{(\w+)\}/g, (match, name: string) =>
    name in values ? String(values[name]) : match,
  );
}
