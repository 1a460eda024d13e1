import { defineMessages } from '../../i18n';

export const messages = defineMessages({
  en: {
    'coming.description':
      'The funnel from followers to rewarded members, baskets (what else is bought with your products), stores and regions, purchase times, repeat customers and survey cross-tabs — each chart with its numbers in a table and a CSV download — and exports of every invoice with its line items.',
  },
  'zh-TW': {
    'coming.description':
      '從好友到獲獎會員的轉換漏斗、購物籃（與您的商品一起購買的品項）、門市與地區、購買時段、回購顧客與問卷交叉分析——每張圖表都附數據表格與 CSV 下載——以及每張發票與明細的匯出。',
  },
  th: {
    'coming.description':
      'ช่องทางตั้งแต่ผู้ติดตามจนถึงสมาชิกที่ได้รับรางวัล ตะกร้าสินค้า (สิ่งที่ซื้อคู่กับสินค้าของคุณ) ร้านค้าและภูมิภาค ช่วงเวลาที่ซื้อ ลูกค้าที่กลับมาซื้อซ้ำ และตารางไขว้แบบสอบถาม ทุกกราฟมีตารางตัวเลขและดาวน์โหลด CSV รวมถึงการส่งออกใบเสร็จทุกใบพร้อมรายการสินค้า',
  },
});
