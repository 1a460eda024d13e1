/**
 * Words that say what kind of business a Latin-script (Malaysian, Singaporean, English) store name is —
 * never which store: any shop's name may carry them. The store lexicon puts back a letter OCR bent in one of
 * them (`SPEED NART` → `SPEED MART`, `RESTAURAMT` → `RESTAURANT`); a name's own words are never changed.
 * Four letters or more (a shorter word one letter off is as likely another word). Upper case, unique.
 */
export const COMPANY_WORDS = [
  'MART',
  'MARKET',
  'SUPERMARKET',
  'MINIMARKET',
  'HYPERMARKET',
  'STORE',
  'STORES',
  'SHOP',
  'TRADING',
  'ENTERPRISE',
  'ENTERPRISES',
  'RESTAURANT',
  'RESTAURANTS',
  'RESTORAN',
  'HARDWARE',
  'STATIONERY',
  'BOOK',
  'BOOKS',
  'BOOKSTORE',
  'BAKERY',
  'BAKERIES',
  'PHARMACY',
  'COMPANY',
  'BERHAD',
  'LIMITED',
  'KEDAI',
  'SYARIKAT',
  'PERNIAGAAN',
  'ELECTRICAL',
  'INTERNATIONAL',
  'SERVICE',
  'SERVICES',
  'SUPPLY',
  'SUPPLIES',
  'MARKETING',
  'INDUSTRIES',
  'HOLDINGS',
  'SEAFOOD',
  'BEVERAGE',
  'KOPITIAM',
  'CENTRE',
  'STATION',
  'VENTURE',
  'VENTURES',
] as const;

/**
 * Thai words that say what kind of shop a name is (a mini-mart, a supermarket, a grocery, a department
 * store, a partnership), never which shop. The store lexicon puts back one letter tesseract bent in one of
 * them, compared without marks; only words of six letters or more without their marks (a shorter one a
 * letter off is as likely another word).
 */
export const THAI_SHOP_WORDS = [
  'มินิมาร์ท',
  'ซูเปอร์มาร์เก็ต',
  'ซุปเปอร์มาร์เก็ต',
  'ซูเปอร์เซ็นเตอร์',
  'ไฮเปอร์มาร์เก็ต',
  'ร้านขายของชำ',
  'ร้านสะดวกซื้อ',
  'ห้างสรรพสินค้า',
  'ห้างหุ้นส่วนจำกัด',
  'ร้านอาหาร',
  'ร้านกาแฟ',
  'ร้านขายยา',
  'เครื่องเขียน',
] as const;

/**
 * Thai words a shop's name ends with: the kinds of shop above and the trade words after a shop's own name
 * (พาณิชย์ "commerce", การค้า "trade", มาร์ท "mart"). Nothing follows one glued to it as a lone letter: such
 * a letter is a speck tesseract read beside the name (`cleanName`).
 */
export const THAI_NAME_END_WORDS = [...THAI_SHOP_WORDS, 'พาณิชย์', 'การค้า', 'มาร์ท'] as const;
