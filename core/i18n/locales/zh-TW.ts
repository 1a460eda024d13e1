import type { Catalog } from './en.js';

/** 繁體中文（台灣）。 */
export const zhTW: Catalog = {
  language: { name: '繁體中文' },
  keywords: {
    points: ['點數', '我的點數', '積分', '查點數', '点数'],
    submissions: ['登錄紀錄', '我的登錄', '紀錄', '記錄', '我的發票', '發票紀錄'],
    help: ['說明', '幫助', '怎麼參加', '如何參加', '選單', '？'],
    language: ['語言', '切換語言'],
  },
  quick: {
    openLiff: '會員專區',
    points: '我的點數',
    submissions: '登錄紀錄',
    help: '說明',
  },
  greeting: {
    title: '{{name}}，歡迎您！',
    titleNoName: '歡迎您！',
    body: '傳送購買證明即可參加「{{campaign}}」：',
    bodyNoCampaign: '傳送購買證明即可參加我們的活動：',
    steps: [
      '輸入發票號碼、日期與隨機碼，例如 AB12345678 1131105 1234',
      '或貼上發票 QR Code 的文字',
      '或傳送收據照片',
    ],
  },
  help: {
    title: '參加方式',
    steps: [
      '電子發票：輸入「AB12345678 1131105 1234」（號碼、日期、隨機碼）',
      'QR Code：貼上左邊 QR Code 的文字',
      '手機條碼載具：輸入「/ABC1234 驗證碼」',
      '收據：拍下整張收據傳給我們',
    ],
    commands: '指令：「點數」、「登錄紀錄」、「語言」、「說明」。',
  },
  points: {
    title: '我的點數',
    balance: '{{count}} 點',
    none: '目前還沒有點數，登錄發票即可累積。',
  },
  submissions: {
    title: '登錄紀錄',
    empty: '您還沒有登錄任何購買證明。',
    item: '{{date}}・{{proof}}・{{state}}',
  },
  states: {
    received: '已收到',
    parsed: '辨識中',
    awaiting_upload: '等待財政部平台',
    in_review: '審核中',
    accepted: '已通過',
    rejected: '未通過',
    rewarded: '已發放',
  },
  languageMenu: {
    title: '請選擇語言',
    set: '好的，之後以繁體中文與您對話。',
  },
  image: {
    reading: '已收到照片，辨識中…',
    failed: '這張照片無法辨識，請重新拍一張清楚、完整的收據。',
  },
  unsupported: '我看得懂文字與照片。輸入「說明」查看參加方式。',
  survey: {
    invite: '邀請您填寫關於這次購買的簡短問卷。',
    answer: '填寫問卷',
    question: '第 {{number}} 題，共 {{count}} 題',
    tapBelow: '請點選下方的答案。',
    skip: '略過',
    openApp: '到會員專區作答',
    thanksTitle: '感謝您！',
    thanksBody: '已收到您的回答，謝謝您的意見。',
    answeredTitle: '已經回答過了',
    answered: '您已經回答過這份問卷了。',
    unavailableTitle: '問卷',
    unavailable: '這個問卷問題目前無法作答。',
  },
  result: {
    accepted: {
      title: '登錄成功！',
      earned: '獲得 {{count}} 點',
      earnedNothing: '您的購買證明已登錄。',
      entries: '抽獎機會 {{count}} 次',
      balance: '目前點數：{{count}} 點',
    },
    awaiting_upload: {
      title: '等待財政部平台',
      body: '店家尚未上傳這張發票（店家有 2 天的上傳期限），我們會再查詢並通知您。',
      nextCheck: '下次查詢：{{when}}',
    },
    in_review: {
      title: '已送審核',
      body: '將由專人確認您的購買證明，通常 1 個工作天內完成，結果會通知您。',
    },
    rejected: {
      title: '未通過',
      body: '這張購買證明不符合活動資格：',
      reasonUnknown: '不符合活動規則。',
    },
    duplicate_self: {
      title: '已登錄過',
      body: '您已登錄過這張購買證明，每張只計一次。',
    },
    duplicate_other: {
      title: '已登錄過',
      body: '這張購買證明已由其他人登錄。',
    },
    invalid: {
      title: '請確認輸入內容',
      body: '以下內容有誤：',
      example: '範例：AB12345678 1131105 1234',
    },
    no_active_campaign: {
      title: '目前沒有活動',
      body: '目前沒有進行中的活動可以登錄。',
    },
    later: {
      accepted: '您的購買證明有新結果：登錄成功！',
      rejected: '您的購買證明有新結果：未通過。',
    },
  },
  rules: {
    failed: '不符合活動規則',
    currency: { mismatch: '幣別與活動不符' },
    purchase_date: {
      too_early: '消費日期早於活動期間',
      too_late: '消費日期晚於活動期間',
    },
    registration_window: {
      not_open: '尚未開放登錄',
      closed: '登錄期間已結束',
    },
    register_within_days: { too_late: '須於消費後 {{days}} 天內登錄' },
    voided: { voided: '發票已作廢或退貨' },
    buyer_ban: { b2b: '打統編的發票不適用' },
    stores: {
      denied: '此店家不在活動通路內',
      not_allowed: '此店家不在活動通路內',
      unknown: '無法辨識店家',
    },
    item_groups: { failed: '未包含活動商品' },
    min_amount: {
      below_minimum: '活動商品金額未達門檻',
      unknown: '無法讀取金額',
    },
    cap_per_day: { reached: '已達今日登錄上限（{{limit}} 張）' },
    cap_per_campaign: { reached: '已達活動登錄上限（{{limit}} 張）' },
  },
  verification: {
    carrier_rejected: '手機條碼或驗證碼錯誤',
    carrier_no_invoices: '此載具在活動期間內沒有發票',
    carrier_all_registered: '此載具的發票都已登錄過',
    carrier_none_qualified: '此載具沒有符合活動條件的發票',
    carrier_pending: '平台忙碌中，其餘發票稍後再查',
    not_uploaded: '財政部平台查無此發票（已等候店家上傳期限）',
    not_uploaded_yet: '店家尚未上傳這張發票',
    random_code_mismatch: '隨機碼與發票不符',
    unreadable: '無法辨識此購買證明',
    platform_unavailable: '財政部平台暫時無回應，我們會再試',
  },
  einvoice_platform: {
    rejected: '財政部平台拒絕查詢此發票',
    invalid_query: '發票資料不符合財政部平台格式',
    bad_request: '發票資料不符合財政部平台格式',
  },
  reasons: {},
  issues: {
    invoice_number: {
      missing: '缺少發票號碼（2 個英文字母 + 8 位數字）',
      invalid: '發票號碼格式有誤（2 個英文字母 + 8 位數字）',
      ambiguous: '有不只一組發票號碼',
    },
    invoice_date: {
      missing: '缺少日期（例如 1131105 或 2024-11-05）',
      invalid: '日期不正確',
      ambiguous: '日期不明確，請寫成 2024-11-05',
      outside_period: '日期與發票期別不符',
    },
    random_code: {
      missing: '缺少隨機碼（4 位數字）',
      invalid: '隨機碼須為 4 位數字',
      ambiguous: '有不只一組隨機碼',
    },
    carrier_barcode: { invalid: '手機條碼須為 / + 7 碼' },
    carrier: {
      not_supported: '不支援此種載具',
      rejected: '手機條碼或驗證碼錯誤',
    },
    verification_code: {
      missing: '缺少載具驗證碼',
      invalid: '載具驗證碼不正確',
    },
    date_range: {
      incomplete: '日期區間不完整',
      invalid: '日期區間不正確',
      reversed: '日期區間前後顛倒',
    },
    submission: { retry: '請稍後再傳一次' },
  },
  fields: {
    invoiceNumber: '發票號碼（2 個英文字母 + 8 位數字）',
    date: '日期（例如 1131105 或 2024-11-05）',
    randomCode: '隨機碼（4 位數字）',
    carrier: '手機條碼（/ + 7 碼）',
    verificationCode: '驗證碼',
    qr: 'QR Code 文字',
    image: '照片',
  },
  errors: {
    generic: '系統忙碌中，請稍後再試。',
  },
};
