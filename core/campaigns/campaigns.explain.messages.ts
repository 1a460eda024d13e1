import type { Locale } from '../i18n/index.js';
import { formatMoneyMinor } from '../i18n/money.js';

/**
 * The rule checker's sentences in zh-TW / th / en. Each template takes values already formatted for its
 * language (money, dates: see `EXPLAIN_FORMATS`); the rule keys of the answer never change, only these
 * words. English is the reference: the type makes zh-TW and th carry every one of its keys.
 */

type Basis = { basis: string };
type Seller = { seller: string };
type Amounts = Basis & { amount: string; minimum: string };
type Purchase = { date: string; from: string; to: string };
type Registered = { registeredAt: string; from: string; to: string };
type WithinDays = { registeredOn: string; days: number | string; lastDay: string };
type Missing = { group: string; keywords: string[] | undefined; minQuantity: number };
type Count = { count: number | string; limit: number | string };

const en = {
  separator: '; ',
  unknownAmount: 'unknown',
  'currency.ok': ({ actual }: { actual: string }) => `paid in ${actual}, the campaign's currency`,
  'currency.mismatch': ({ actual, expected }: { actual: string; expected: string }) =>
    `paid in ${actual}; the campaign counts ${expected}`,
  'purchase.tooEarly': ({ date, from }: Purchase) =>
    `bought on ${date}, before the purchase window opens on ${from}`,
  'purchase.tooLate': ({ date, to }: Purchase) =>
    `bought on ${date}, after the purchase window closed on ${to}`,
  'purchase.ok': ({ date, from, to }: Purchase) =>
    `bought on ${date}, inside the purchase window ${from} – ${to}`,
  'registration.notOpen': ({ registeredAt, from }: Registered) =>
    `registered ${registeredAt}, before registration opens at ${from}`,
  'registration.closed': ({ registeredAt, to }: Registered) =>
    `registered ${registeredAt}, after registration closed at ${to}`,
  'registration.ok': ({ registeredOn }: { registeredOn: string }) =>
    `registered on ${registeredOn}, inside the registration window`,
  'withinDays.ok': ({ registeredOn, days, lastDay }: WithinDays) =>
    `registered on ${registeredOn}, within ${days} days of the purchase (last day ${lastDay})`,
  'withinDays.tooLate': ({ registeredOn, days, lastDay }: WithinDays) =>
    `registered on ${registeredOn}, after the last day ${lastDay} (${days} days after the purchase)`,
  'voided.ok': () => 'the invoice is not voided',
  'voided.voided': () => 'the invoice is voided or cancelled',
  'buyerBan.ok': () => 'no buyer business ID: a consumer purchase',
  'buyerBan.b2b': ({ buyerBan }: { buyerBan: string }) => `a B2B invoice: buyer business ID ${buyerBan}`,
  seller: ({ name, ban }: { name: string | null; ban: string | null }) =>
    [name, ban && `BAN ${ban}`].filter(Boolean).join(', ') || 'an unknown seller',
  'stores.denied': ({ seller }: Seller) => `${seller} is on the deny list`,
  'stores.unknown': () => 'the seller is not known (no name, business ID or address was read)',
  'stores.notAllowed': ({ seller, stores }: Seller & { stores: string }) =>
    `${seller} matches none of the allowed stores (${stores})`,
  'stores.allowed': ({ seller, stores }: Seller & { stores: string }) =>
    `${seller} matches the allowed stores (${stores})`,
  'stores.notDenied': ({ seller }: Seller) => `${seller} is not on the deny list`,
  'stores.noneSet': () => 'none set',
  'stores.names': ({ values }: { values: string[] }) => `names ${values.join(', ')}`,
  'stores.bans': ({ values }: { values: string[] }) => `BANs ${values.join(', ')}`,
  'stores.addresses': ({ values }: { values: string[] }) => `addresses with ${values.join(', ')}`,
  'items.by': ({ group, keyword }: { group: string; keyword: string }) => `${group} by "${keyword}"`,
  'items.matchedItem': ({ name, quantity, by }: { name: string; quantity: number; by: string[] }) =>
    `"${name}" ×${quantity} matched ${by.join(' and ')}`,
  'items.excluded': ({ name, group, exclude }: { name: string; group: string; exclude: string }) =>
    `"${name}" left out of ${group} by the exclude word "${exclude}"`,
  'items.noItems': () => 'the proof lists no items',
  'items.missing': ({ group, keywords, minQuantity }: Missing) =>
    `no item matched ${group} (keywords ${keywords?.map((k) => `"${k}"`).join(', ') ?? '?'}${minQuantity > 1 ? `, at least ${minQuantity}` : ''})`,
  'items.matched': () => 'matched',
  'items.noneMatched': () => 'no item matched',
  'amount.total': () => 'invoice total',
  'amount.matched': () => 'matched items',
  'amount.unknown': ({ basis, minimum }: Amounts) =>
    `the ${basis} amount is not known (threshold ${minimum})`,
  'amount.ok': ({ basis, amount, minimum }: Amounts) => `${basis} ${amount} ≥ threshold ${minimum}`,
  'amount.below': ({ basis, amount, minimum }: Amounts) => `${basis} ${amount} < threshold ${minimum}`,
  'caps.day': ({ count, limit }: Count) => `${count} accepted today of at most ${limit} per member per day`,
  'caps.campaign': ({ count, limit }: Count) =>
    `${count} accepted in the campaign of at most ${limit} per member`,
};

export type ExplainTemplates = typeof en;

const zhTW: ExplainTemplates = {
  separator: '；',
  unknownAmount: '不明',
  'currency.ok': ({ actual }) => `以 ${actual} 付款，與活動幣別相同`,
  'currency.mismatch': ({ actual, expected }) => `以 ${actual} 付款；本活動只計 ${expected}`,
  'purchase.tooEarly': ({ date, from }) => `${date} 購買，早於購買期間開始日 ${from}`,
  'purchase.tooLate': ({ date, to }) => `${date} 購買，晚於購買期間結束日 ${to}`,
  'purchase.ok': ({ date, from, to }) => `${date} 購買，在購買期間 ${from} – ${to} 內`,
  'registration.notOpen': ({ registeredAt, from }) => `${registeredAt} 登錄，早於登錄開始時間 ${from}`,
  'registration.closed': ({ registeredAt, to }) => `${registeredAt} 登錄，晚於登錄截止時間 ${to}`,
  'registration.ok': ({ registeredOn }) => `${registeredOn} 登錄，在登錄期間內`,
  'withinDays.ok': ({ registeredOn, days, lastDay }) =>
    `${registeredOn} 登錄，在購買後 ${days} 天內（最後一天 ${lastDay}）`,
  'withinDays.tooLate': ({ registeredOn, days, lastDay }) =>
    `${registeredOn} 登錄，已超過最後一天 ${lastDay}（購買後 ${days} 天）`,
  'voided.ok': () => '發票未作廢',
  'voided.voided': () => '發票已作廢或註銷',
  'buyerBan.ok': () => '沒有買方統編：一般消費',
  'buyerBan.b2b': ({ buyerBan }) => `B2B 發票：買方統編 ${buyerBan}`,
  seller: ({ name, ban }) => [name, ban && `統編 ${ban}`].filter(Boolean).join('，') || '不明的賣方',
  'stores.denied': ({ seller }) => `${seller} 在排除名單上`,
  'stores.unknown': () => '無法辨識賣方（沒有讀到名稱、統編或地址）',
  'stores.notAllowed': ({ seller, stores }) => `${seller} 不符合任何指定店家（${stores}）`,
  'stores.allowed': ({ seller, stores }) => `${seller} 符合指定店家（${stores}）`,
  'stores.notDenied': ({ seller }) => `${seller} 不在排除名單上`,
  'stores.noneSet': () => '未設定',
  'stores.names': ({ values }) => `名稱 ${values.join('、')}`,
  'stores.bans': ({ values }) => `統編 ${values.join('、')}`,
  'stores.addresses': ({ values }) => `地址含 ${values.join('、')}`,
  'items.by': ({ group, keyword }) => `${group}（關鍵字「${keyword}」）`,
  'items.matchedItem': ({ name, quantity, by }) => `「${name}」×${quantity} 符合 ${by.join('、')}`,
  'items.excluded': ({ name, group, exclude }) => `「${name}」因排除字「${exclude}」不計入 ${group}`,
  'items.noItems': () => '這張憑證沒有品項',
  'items.missing': ({ group, keywords, minQuantity }) =>
    `沒有品項符合 ${group}（關鍵字 ${keywords?.map((k) => `「${k}」`).join('、') ?? '?'}${minQuantity > 1 ? `，至少 ${minQuantity} 件` : ''}）`,
  'items.matched': () => '符合',
  'items.noneMatched': () => '沒有品項符合',
  'amount.total': () => '發票總額',
  'amount.matched': () => '符合品項金額',
  'amount.unknown': ({ basis, minimum }) => `${basis}不明（門檻 ${minimum}）`,
  'amount.ok': ({ basis, amount, minimum }) => `${basis} ${amount} ≥ 門檻 ${minimum}`,
  'amount.below': ({ basis, amount, minimum }) => `${basis} ${amount} < 門檻 ${minimum}`,
  'caps.day': ({ count, limit }) => `今天已通過 ${count} 張，每位會員每天最多 ${limit} 張`,
  'caps.campaign': ({ count, limit }) => `本活動已通過 ${count} 張，每位會員最多 ${limit} 張`,
};

const th: ExplainTemplates = {
  separator: '; ',
  unknownAmount: 'ไม่ทราบ',
  'currency.ok': ({ actual }) => `ชำระเป็น ${actual} ตรงกับสกุลเงินของแคมเปญ`,
  'currency.mismatch': ({ actual, expected }) => `ชำระเป็น ${actual} แต่แคมเปญนับเฉพาะ ${expected}`,
  'purchase.tooEarly': ({ date, from }) => `ซื้อวันที่ ${date} ก่อนเริ่มช่วงเวลาซื้อ ${from}`,
  'purchase.tooLate': ({ date, to }) => `ซื้อวันที่ ${date} หลังสิ้นสุดช่วงเวลาซื้อ ${to}`,
  'purchase.ok': ({ date, from, to }) => `ซื้อวันที่ ${date} อยู่ในช่วงเวลาซื้อ ${from} – ${to}`,
  'registration.notOpen': ({ registeredAt, from }) => `ลงทะเบียนเมื่อ ${registeredAt} ก่อนเปิดลงทะเบียน ${from}`,
  'registration.closed': ({ registeredAt, to }) => `ลงทะเบียนเมื่อ ${registeredAt} หลังปิดลงทะเบียน ${to}`,
  'registration.ok': ({ registeredOn }) => `ลงทะเบียนวันที่ ${registeredOn} อยู่ในช่วงลงทะเบียน`,
  'withinDays.ok': ({ registeredOn, days, lastDay }) =>
    `ลงทะเบียนวันที่ ${registeredOn} ภายใน ${days} วันหลังซื้อ (วันสุดท้าย ${lastDay})`,
  'withinDays.tooLate': ({ registeredOn, days, lastDay }) =>
    `ลงทะเบียนวันที่ ${registeredOn} เลยวันสุดท้าย ${lastDay} แล้ว (${days} วันหลังซื้อ)`,
  'voided.ok': () => 'ใบกำกับภาษีไม่ถูกยกเลิก',
  'voided.voided': () => 'ใบกำกับภาษีถูกยกเลิกหรือเป็นโมฆะ',
  'buyerBan.ok': () => 'ไม่มีเลขผู้เสียภาษีของผู้ซื้อ: เป็นการซื้อของผู้บริโภค',
  'buyerBan.b2b': ({ buyerBan }) => `ใบกำกับภาษีแบบ B2B: เลขผู้เสียภาษีของผู้ซื้อ ${buyerBan}`,
  seller: ({ name, ban }) => [name, ban && `เลขผู้เสียภาษี ${ban}`].filter(Boolean).join(', ') || 'ผู้ขายที่ไม่ทราบชื่อ',
  'stores.denied': ({ seller }) => `${seller} อยู่ในรายชื่อร้านที่ไม่รับ`,
  'stores.unknown': () => 'ไม่ทราบผู้ขาย (อ่านชื่อ เลขผู้เสียภาษี หรือที่อยู่ไม่ได้)',
  'stores.notAllowed': ({ seller, stores }) => `${seller} ไม่ตรงกับร้านที่กำหนดเลย (${stores})`,
  'stores.allowed': ({ seller, stores }) => `${seller} ตรงกับร้านที่กำหนด (${stores})`,
  'stores.notDenied': ({ seller }) => `${seller} ไม่อยู่ในรายชื่อร้านที่ไม่รับ`,
  'stores.noneSet': () => 'ไม่ได้กำหนด',
  'stores.names': ({ values }) => `ชื่อ ${values.join(', ')}`,
  'stores.bans': ({ values }) => `เลขผู้เสียภาษี ${values.join(', ')}`,
  'stores.addresses': ({ values }) => `ที่อยู่มีคำว่า ${values.join(', ')}`,
  'items.by': ({ group, keyword }) => `${group} ด้วยคำ "${keyword}"`,
  'items.matchedItem': ({ name, quantity, by }) => `"${name}" ×${quantity} ตรงกับ ${by.join(' และ ')}`,
  'items.excluded': ({ name, group, exclude }) => `"${name}" ไม่นับใน ${group} เพราะคำยกเว้น "${exclude}"`,
  'items.noItems': () => 'หลักฐานนี้ไม่มีรายการสินค้า',
  'items.missing': ({ group, keywords, minQuantity }) =>
    `ไม่มีสินค้าที่ตรงกับ ${group} (คำค้น ${keywords?.map((k) => `"${k}"`).join(', ') ?? '?'}${minQuantity > 1 ? `, อย่างน้อย ${minQuantity} ชิ้น` : ''})`,
  'items.matched': () => 'ตรงเงื่อนไข',
  'items.noneMatched': () => 'ไม่มีสินค้าที่ตรงเงื่อนไข',
  'amount.total': () => 'ยอดรวมใบเสร็จ',
  'amount.matched': () => 'ยอดสินค้าที่ตรงเงื่อนไข',
  'amount.unknown': ({ basis, minimum }) => `ไม่ทราบ${basis} (เกณฑ์ ${minimum})`,
  'amount.ok': ({ basis, amount, minimum }) => `${basis} ${amount} ≥ เกณฑ์ ${minimum}`,
  'amount.below': ({ basis, amount, minimum }) => `${basis} ${amount} < เกณฑ์ ${minimum}`,
  'caps.day': ({ count, limit }) => `วันนี้ผ่านแล้ว ${count} รายการ จากสูงสุด ${limit} รายการต่อสมาชิกต่อวัน`,
  'caps.campaign': ({ count, limit }) => `ผ่านในแคมเปญแล้ว ${count} รายการ จากสูงสุด ${limit} รายการต่อสมาชิก`,
};

export const EXPLAIN_TEMPLATES: Record<Locale, ExplainTemplates> = { 'zh-TW': zhTW, th, en };

/** How each language writes money and dates in the explanations. */
export type ExplainFormat = {
  /** An amount in minor units. */
  money: (minor: number, currency: string) => string;
  /** A calendar date `yyyy-mm-dd`. */
  date: (isoDate: string) => string;
  /** An ISO instant, in the campaign's time zone. */
  instant: (iso: string, timeZone: string) => string;
};

/** Like the console's own format (Thai in the Gregorian calendar, as on receipts). */
function intlFormat(tag: string): ExplainFormat {
  const safely = (format: () => string, fallback: string) => {
    try {
      return format();
    } catch {
      return fallback;
    }
  };
  return {
    money: (minor, currency) => formatMoneyMinor(minor, currency, tag),
    date: (isoDate) =>
      safely(
        () =>
          new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeZone: 'UTC' }).format(
            new Date(`${isoDate}T00:00:00Z`),
          ),
        isoDate,
      ),
    instant: (iso, timeZone) =>
      safely(
        () =>
          new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
            new Date(iso),
          ),
        iso,
      ),
  };
}

export const EXPLAIN_FORMATS: Record<Locale, ExplainFormat> = {
  'zh-TW': intlFormat('zh-TW'),
  th: intlFormat('th-TH-u-ca-gregory'),
  // English keeps the checker's first words: `TWD 50.00`, ISO dates (the API's contract tests read them).
  en: {
    money: (minor, currency) => `${currency} ${(minor / 100).toFixed(2)}`,
    date: (isoDate) => isoDate,
    instant: (iso) => iso,
  },
};
