/** Rows of a receipt's money that are neither an item nor the total: what was paid and what was taken off. */
export const PAYMENT_LINE =
  /CASH|TENDER|PAID|PAYMENT|CHANGE|CHG|VISA|MASTER|CARD|CREDIT|DEBIT|E-?WALLET|BOOST|GRAB|TOUCH|เงินสด|เงินทอน|รับเงิน|ทอน|現金|找零|找回|信用卡|收現/i;
export const DISCOUNT_LINE = /DISC|DISCOUNT|LESS|VOUCHER|COUPON|PROMO|ส่วนลด|折扣|折讓/i;
