import { defineMessages } from '../../i18n';

export const messages = defineMessages({
  en: {
    'coming.description':
      'Find members by name, phone, LINE name, member number or invoice number, and see everything about one: consents, points, proofs, redemptions, prizes, survey answers, data export and erasure.',
  },
  'zh-TW': {
    'coming.description':
      '以姓名、電話、LINE 名稱、會員編號或發票號碼搜尋會員，並查看單一會員的所有資料：同意紀錄、點數、發票、兌換、獎項、問卷回答、資料匯出與刪除。',
  },
  th: {
    'coming.description':
      'ค้นหาสมาชิกด้วยชื่อ เบอร์โทร ชื่อ LINE หมายเลขสมาชิก หรือเลขใบกำกับ และดูข้อมูลทั้งหมดของสมาชิก: ความยินยอม แต้ม หลักฐาน การแลกรางวัล รางวัล คำตอบแบบสอบถาม การส่งออกและลบข้อมูล',
  },
});
