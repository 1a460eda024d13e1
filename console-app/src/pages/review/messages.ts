import { defineMessages } from '../../i18n';

export const messages = defineMessages({
  en: {
    'coming.description':
      'The review queue: photos waiting for a person, oldest first, one at a time beside the fields read from them, worked with the keyboard.',
  },
  'zh-TW': {
    'coming.description':
      '審核佇列：等待人工審核的照片，依時間先後，一次一張並列顯示辨識出的欄位，可全程用鍵盤操作。',
  },
  th: {
    'coming.description': 'คิวตรวจสอบ: รูปที่รอคนตรวจ เรียงจากเก่าสุด ทีละรายการคู่กับข้อมูลที่อ่านได้ ใช้งานด้วยคีย์บอร์ดได้ทั้งหมด',
  },
});
