import { defineMessages } from '../../i18n';

export const messages = defineMessages({
  en: {
    'coming.description':
      "The brand's profile, its LINE channels (webhook URL, credential test, rich menu) and LIFF app.",
  },
  'zh-TW': {
    'coming.description': '品牌資料、LINE 頻道（Webhook 網址、憑證測試、圖文選單）與 LIFF 應用程式。',
  },
  th: {
    'coming.description': 'ข้อมูลแบรนด์ ช่อง LINE (URL ของ webhook การทดสอบข้อมูลรับรอง ริชเมนู) และแอป LIFF',
  },
});
