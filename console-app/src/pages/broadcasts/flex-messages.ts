import { defineMessages } from '../../i18n';

/** The words of the composer's extra messages and its Flex editor. */
export const flexMessages = defineMessages({
  en: {
    'flex.addText': 'Add a text message',
    'flex.addFlex': 'Add a Flex message (JSON)',
    'flex.count': '{count} of {max} messages',
    'flex.textTitle': 'Extra message {n}: text',
    'flex.flexTitle': 'Extra message {n}: Flex',
    'flex.remove': 'Remove',
    'flex.text': 'Text',
    'flex.altText': 'Alt text',
    'flex.altHint': 'Shown in notifications and the chat list.',
    'flex.altMissing': 'Write the alt text: LINE requires it (at most 1,500 characters).',
    'flex.json': 'Flex JSON',
    'flex.jsonHint':
      'Paste a bubble or a carousel (e.g. from the Flex Message Simulator). At most 12 bubbles, 30 KB a bubble, 50 KB a carousel. {displayName} and {points} are filled per member.',
    'flex.jsonEmpty': 'Paste the Flex JSON.',
    'flex.problems':
      '{count, plural, one {LINE would refuse this Flex: # problem} other {LINE would refuse this Flex: # problems}}',
    'flex.format': 'Format JSON',
    'flex.notReady': 'A message is not ready to send: see the marked field.',
  },
  'zh-TW': {
    'flex.addText': '新增文字訊息',
    'flex.addFlex': '新增 Flex 訊息（JSON）',
    'flex.count': '共 {count} / {max} 則訊息',
    'flex.textTitle': '附加訊息 {n}：文字',
    'flex.flexTitle': '附加訊息 {n}：Flex',
    'flex.remove': '移除',
    'flex.text': '文字',
    'flex.altText': '替代文字',
    'flex.altHint': '顯示於通知與聊天列表。',
    'flex.altMissing': '請輸入替代文字：LINE 規定必填（最多 1,500 字）。',
    'flex.json': 'Flex JSON',
    'flex.jsonHint':
      '貼上 bubble 或 carousel（例如取自 Flex Message Simulator）。最多 12 個 bubble，每個 bubble 30 KB，carousel 50 KB。{displayName} 與 {points} 會依會員填入。',
    'flex.jsonEmpty': '請貼上 Flex JSON。',
    'flex.problems': 'LINE 會拒收此 Flex：{count} 個問題',
    'flex.format': '整理 JSON 格式',
    'flex.notReady': '有訊息尚未完成：請查看標示的欄位。',
  },
  th: {
    'flex.addText': 'เพิ่มข้อความ',
    'flex.addFlex': 'เพิ่ม Flex Message (JSON)',
    'flex.count': '{count} จาก {max} ข้อความ',
    'flex.textTitle': 'ข้อความเพิ่มเติม {n}: ข้อความ',
    'flex.flexTitle': 'ข้อความเพิ่มเติม {n}: Flex',
    'flex.remove': 'ลบ',
    'flex.text': 'ข้อความ',
    'flex.altText': 'ข้อความแทน (alt text)',
    'flex.altHint': 'แสดงในการแจ้งเตือนและรายการแชท',
    'flex.altMissing': 'กรุณาใส่ข้อความแทน: LINE กำหนดให้ต้องมี (ไม่เกิน 1,500 ตัวอักษร)',
    'flex.json': 'Flex JSON',
    'flex.jsonHint':
      'วาง bubble หรือ carousel (เช่น จาก Flex Message Simulator) ไม่เกิน 12 bubble, bubble ละ 30 KB, carousel 50 KB โดย {displayName} และ {points} จะถูกแทนที่ตามสมาชิกแต่ละคน',
    'flex.jsonEmpty': 'กรุณาวาง Flex JSON',
    'flex.problems': 'LINE จะปฏิเสธ Flex นี้: พบ {count} ปัญหา',
    'flex.format': 'จัดรูปแบบ JSON',
    'flex.notReady': 'มีข้อความที่ยังไม่พร้อมส่ง: ดูช่องที่ทำเครื่องหมายไว้',
  },
});
