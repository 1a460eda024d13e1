import { defineMessages } from '../../i18n';

export const messages = defineMessages({
  en: {
    'coming.description':
      'Scheduled and manual draws per campaign: the seed hash published before the period closes, the run, winners and reserves, forfeit and promote, export, the public verification link, and whether each winner was told.',
  },
  'zh-TW': {
    'coming.description':
      '每個活動的排程與手動抽獎：期間結束前公布種子雜湊值、執行抽獎、得獎者與備取、放棄與遞補、匯出、公開驗證連結，以及每位得獎者是否已收到通知。',
  },
  th: {
    'coming.description':
      'การจับรางวัลตามกำหนดและแบบกำหนดเองของแต่ละแคมเปญ: เผยแพร่แฮชของ seed ก่อนปิดรอบ การจับ ผู้ได้รับรางวัลและสำรอง การสละสิทธิ์และเลื่อนสำรอง การส่งออก ลิงก์ตรวจสอบสาธารณะ และสถานะการแจ้งผู้ได้รับรางวัล',
  },
});
