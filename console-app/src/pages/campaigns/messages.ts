import { defineMessages } from '../../i18n';

export const messages = defineMessages({
  en: {
    'coming.description':
      'Create and edit campaigns: purchase and registration windows, item keyword groups, amount thresholds, store rules, limits and rewards; versions, a rule checker, a what-if replay over past proofs, and the campaign survey.',
  },
  'zh-TW': {
    'coming.description':
      '建立與編輯活動：購買與登錄期間、商品關鍵字群組、金額門檻、通路規則、上限與獎勵；版本紀錄、規則檢查、以過去發票試算的「假如」重播，以及活動問卷。',
  },
  th: {
    'coming.description':
      'สร้างและแก้ไขแคมเปญ: ช่วงเวลาซื้อและลงทะเบียน กลุ่มคำสำคัญของสินค้า ยอดขั้นต่ำ กฎร้านค้า ขีดจำกัด และของรางวัล พร้อมประวัติเวอร์ชัน ตัวตรวจกฎ การจำลองย้อนหลังกับหลักฐานเดิม และแบบสอบถามของแคมเปญ',
  },
});
