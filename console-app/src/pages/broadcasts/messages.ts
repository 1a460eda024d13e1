import { defineMessages } from '../../i18n';

export const messages = defineMessages({
  en: {
    'coming.description':
      'Segments of members (campaign, purchases, store, region, points, survey answers, tags, consent) with a live count, and LINE messages to them, now or scheduled, with progress and per-chunk results.',
  },
  'zh-TW': {
    'coming.description':
      '會員分群（活動、購買內容、門市、地區、點數、問卷回答、標籤、同意狀態）與即時人數，以及對分群立即或排程發送 LINE 訊息，並顯示進度與每批結果。',
  },
  th: {
    'coming.description':
      'กลุ่มสมาชิก (แคมเปญ การซื้อ ร้านค้า ภูมิภาค แต้ม คำตอบแบบสอบถาม แท็ก ความยินยอม) พร้อมจำนวนแบบสด และการส่งข้อความ LINE ถึงกลุ่มนั้นทันทีหรือตั้งเวลา พร้อมความคืบหน้าและผลของแต่ละชุด',
  },
});
