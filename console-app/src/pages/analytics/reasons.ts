/** The console's languages (as in ../../i18n, kept here so this table imports nothing). */
type Locale = 'zh-TW' | 'th' | 'en';
type Labels = Record<Locale, string>;

/**
 * The campaign rules a refusal can name (`rules.<rule>.<verdict>`, core/campaigns/campaigns.rules.ts
 * `RuleName`): one label per rule, whatever the verdict.
 */
export const RULE_LABELS = {
  currency: { en: 'Wrong currency', 'zh-TW': '幣別不符', th: 'สกุลเงินไม่ตรง' },
  purchase_date: {
    en: 'Bought outside the campaign period',
    'zh-TW': '購買日不在活動期間',
    th: 'ซื้อนอกช่วงแคมเปญ',
  },
  registration_window: {
    en: 'Sent outside the registration period',
    'zh-TW': '不在登錄期間',
    th: 'ส่งนอกช่วงลงทะเบียน',
  },
  register_within_days: {
    en: 'Sent too long after the purchase',
    'zh-TW': '超過購買後的登錄期限',
    th: 'ส่งช้าเกินกำหนดหลังซื้อ',
  },
  voided: { en: 'Invoice voided or returned', 'zh-TW': '發票已作廢或退貨', th: 'ใบกำกับถูกยกเลิกหรือคืนสินค้า' },
  buyer_ban: {
    en: 'Company invoice (buyer tax ID)',
    'zh-TW': '有買方統編的發票',
    th: 'ใบกำกับที่มีเลขผู้เสียภาษีผู้ซื้อ',
  },
  stores: { en: 'Store not eligible', 'zh-TW': '非活動門市', th: 'ร้านไม่ร่วมรายการ' },
  item_groups: { en: 'No campaign product', 'zh-TW': '沒有活動商品', th: 'ไม่มีสินค้าร่วมรายการ' },
  min_amount: { en: 'Below the minimum amount', 'zh-TW': '未達最低金額', th: 'ยอดไม่ถึงขั้นต่ำ' },
  cap_per_day: { en: 'Daily limit reached', 'zh-TW': '已達每日上限', th: 'ครบจำนวนต่อวันแล้ว' },
  cap_per_campaign: { en: 'Campaign limit reached', 'zh-TW': '已達活動上限', th: 'ครบจำนวนของแคมเปญแล้ว' },
} satisfies Record<string, Labels>;

/** A reviewer's reasons (`review.<reason>`, core/review REVIEW_REJECT_REASONS). */
export const REVIEW_LABELS = {
  not_a_receipt: { en: 'Not a receipt', 'zh-TW': '不是收據', th: 'ไม่ใช่ใบเสร็จ' },
  unreadable: { en: 'Unreadable photo', 'zh-TW': '照片無法辨識', th: 'รูปอ่านไม่ได้' },
  duplicate: { en: 'Duplicate', 'zh-TW': '重複登錄', th: 'ส่งซ้ำ' },
  outside_campaign_period: {
    en: 'Outside the campaign period',
    'zh-TW': '不在活動期間',
    th: 'นอกช่วงกิจกรรม',
  },
  store_not_eligible: { en: 'Store not eligible', 'zh-TW': '非活動門市', th: 'ร้านไม่ร่วมรายการ' },
  products_not_eligible: { en: 'Products not eligible', 'zh-TW': '非活動商品', th: 'สินค้าไม่ร่วมรายการ' },
  suspected_fraud: { en: 'Suspected fraud', 'zh-TW': '疑似舞弊', th: 'สงสัยว่าทุจริต' },
  other: { en: 'Other (reviewer)', 'zh-TW': '其他（審核員）', th: 'อื่น ๆ (ผู้ตรวจ)' },
} satisfies Record<string, Labels>;

/** Whole codes the deciding paths write besides the two families above. */
const CODE_LABELS: Record<string, Labels> = {
  'rules.failed': { en: 'Campaign rules not met', 'zh-TW': '不符合活動規則', th: 'ไม่ตรงตามเงื่อนไขแคมเปญ' },
  'verification.not_uploaded': {
    en: 'Not found on the e-invoice platform',
    'zh-TW': '財政部平台查無此發票',
    th: 'ไม่พบในระบบใบกำกับภาษีอิเล็กทรอนิกส์',
  },
  'verification.unreadable': { en: 'Could not be read', 'zh-TW': '無法辨識', th: 'อ่านไม่ได้' },
  'verification.random_code_mismatch': {
    en: 'Random code does not match',
    'zh-TW': '隨機碼不符',
    th: 'รหัสสุ่มไม่ตรงกัน',
  },
  'verification.carrier_rejected': {
    en: 'Carrier invoices refused',
    'zh-TW': '載具發票未通過',
    th: 'ใบกำกับในพาหะไม่ผ่าน',
  },
  'verification.carrier_no_invoices': {
    en: 'No invoices on the carrier',
    'zh-TW': '載具內沒有發票',
    th: 'ไม่มีใบกำกับในพาหะ',
  },
  'verification.carrier_all_registered': {
    en: 'Carrier invoices already registered',
    'zh-TW': '載具發票皆已登錄',
    th: 'ใบกำกับในพาหะลงทะเบียนแล้วทั้งหมด',
  },
  'verification.carrier_none_qualified': {
    en: 'No carrier invoice qualifies',
    'zh-TW': '載具發票皆不符合',
    th: 'ไม่มีใบกำกับในพาหะที่เข้าเงื่อนไข',
  },
  'carrier.not_supported': {
    en: 'Carrier type not supported',
    'zh-TW': '不支援此類載具',
    th: 'ไม่รองรับพาหะประเภทนี้',
  },
  'einvoice_platform.rejected': {
    en: 'Refused by the e-invoice platform',
    'zh-TW': '財政部平台拒絕',
    th: 'ระบบใบกำกับภาษีอิเล็กทรอนิกส์ปฏิเสธ',
  },
  'einvoice_platform.invalid_query': {
    en: 'Invoice details not valid for the platform',
    'zh-TW': '發票資料不符平台格式',
    th: 'ข้อมูลใบกำกับไม่ถูกต้องสำหรับระบบ',
  },
  'einvoice_platform.bad_request': {
    en: 'Invoice details not valid for the platform',
    'zh-TW': '發票資料不符平台格式',
    th: 'ข้อมูลใบกำกับไม่ถูกต้องสำหรับระบบ',
  },
};

/**
 * A stored rejection reason (`rules.min_amount.below_minimum`, `review.duplicate`,
 * `verification.not_uploaded`) in words, or null when the console does not know it (the page then shows
 * the code; the CSV always keeps the code).
 */
export function reasonLabel(code: string, locale: Locale): string | null {
  const whole = CODE_LABELS[code];
  if (whole) return whole[locale];
  const [family, name] = code.split('.');
  if (family === 'rules' && name && Object.hasOwn(RULE_LABELS, name))
    return RULE_LABELS[name as keyof typeof RULE_LABELS][locale];
  if (family === 'review' && name && Object.hasOwn(REVIEW_LABELS, name))
    return REVIEW_LABELS[name as keyof typeof REVIEW_LABELS][locale];
  return null;
}
