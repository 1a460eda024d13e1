import { defineMessages } from '../../i18n';

export const messages = defineMessages({
  en: {
    'coming.description':
      'The reward catalog (stock, points price, images, per-member limits, active window), coupon code lists with a low-stock alert, instant-win prizes with odds and stock, redemptions (fulfil, cancel with refund) and points adjustments with a reason.',
  },
  'zh-TW': {
    'coming.description':
      '獎品目錄（庫存、兌換點數、圖片、每人上限、兌換期間）、優惠碼清單與低庫存提醒、即時抽獎獎項（中獎率與庫存）、兌換紀錄（出貨、取消並退點），以及附理由的點數調整。',
  },
  th: {
    'coming.description':
      'แคตตาล็อกของรางวัล (สต็อก แต้มที่ใช้แลก รูปภาพ จำกัดต่อสมาชิก ช่วงเวลาแลก) รายการโค้ดคูปองพร้อมแจ้งเตือนเมื่อใกล้หมด รางวัลลุ้นทันที (โอกาสและสต็อก) การแลกรางวัล (จัดส่ง ยกเลิกและคืนแต้ม) และการปรับแต้มพร้อมเหตุผล',
  },
});
