import type { ParsedInvoice } from '../../core/invoices/index.js';
import { mulberry32 } from '../../core/shared/seeded-random.js';

/** One synthetic e-invoice with every form a proof of it can take, and the truth they encode. */
export type GeneratedEInvoice = {
  /** What the QR pair encodes (`source: 'qr'`, items complete). */
  invoice: ParsedInvoice;
  qrLeft: string;
  qrRight: string;
  /** The 19-character Code 39 barcode. */
  barcode: string;
  /** The invoice as someone would type it in chat (number, date and random code in a varied style). */
  typedText: string;
};

const ITEM_NAMES = [
  '林鳳營鮮乳',
  '多力多滋',
  '義美小泡芙',
  '御茶園特撰冰釀綠茶',
  '桂格燕麥片',
  '蘋果西打',
  '黑松沙士',
  '維大力',
  '統一肉燥麵',
  '乖乖奶油椰子',
  '舒潔抽取式衛生紙',
  '光泉鮮乳936ml',
  'Coca Cola 600ml',
  '可口可樂',
];
const BAN_WEIGHTS = [1, 2, 1, 2, 1, 2, 4, 1];
const ENCRYPT_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Characters of item text the left QR holds before the rest spills into the right QR. */
const LEFT_ITEM_CAPACITY = 40;

/**
 * A deterministic generator of e-invoice proofs (same seed, same sequence), for benchmarks and for
 * downstream tests (the rules engine reuses `invoice` + items). Pure JavaScript, no fast-check.
 */
export function createEInvoicePayloadGenerator(seed = 1): () => GeneratedEInvoice {
  const random = mulberry32(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[int(0, list.length - 1)] as T;
  const digits = (count: number) => Array.from({ length: count }, () => String(int(0, 9))).join('');

  return () => {
    const letters = String.fromCharCode(65 + int(0, 25), 65 + int(0, 25));
    const invoiceNumber = `${letters}${digits(8)}`;
    const year = int(2023, 2025);
    const month = int(1, 12);
    const day = int(1, new Date(Date.UTC(year, month, 0)).getUTCDate());
    const invoiceDate = `${year}-${pad(month, 2)}-${pad(day, 2)}`;
    const rocYear = pad(year - 1911, 3);
    const rocDate = `${rocYear}${pad(month, 2)}${pad(day, 2)}`;
    const period = `${rocYear}${pad(Math.ceil(month / 2) * 2, 2)}`;
    const randomCode = digits(4);
    const items = Array.from({ length: int(1, 5) }, () => ({
      name: pick(ITEM_NAMES),
      quantity: int(1, 4),
      unitPrice: int(10, 300),
    }));
    const totalAmount = items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
    const salesAmount = Math.round(totalAmount / 1.05);
    const buyerBan = random() < 0.1 ? validBan(digits(7)) : null;
    const sellerBan = validBan(digits(7));
    const encrypt = `${Array.from({ length: 22 }, () => pick([...ENCRYPT_ALPHABET])).join('')}==`;

    const itemText = items.map((item) => `${item.name}:${item.quantity}:${item.unitPrice}`).join(':');
    const cut = Math.min(itemText.length, LEFT_ITEM_CAPACITY);
    const head =
      `${invoiceNumber}${rocDate}${randomCode}${hex8(salesAmount)}${hex8(totalAmount)}` +
      `${buyerBan ?? '00000000'}${sellerBan}${encrypt}`;
    const qrLeft = `${head}:**********:${items.length}:${items.length}:1:${itemText.slice(0, cut)}`;
    const qrRight = `**${itemText.slice(cut)}`;

    const typedStyles = [
      () => `${invoiceNumber} ${rocDate} ${randomCode}`,
      () => `${letters}-${invoiceNumber.slice(2)} ${rocYear}/${pad(month, 2)}/${pad(day, 2)} ${randomCode}`,
      () => `${invoiceNumber.toLowerCase()} ${year}/${pad(month, 2)}/${pad(day, 2)} ${randomCode}`,
      () => `發票 ${invoiceNumber} 日期 ${Number(rocYear)}年${month}月${day}日 隨機碼 ${randomCode}`,
      () => toFullWidth(`${invoiceNumber} ${year}-${pad(month, 2)}-${pad(day, 2)} ${randomCode}`),
    ];
    return {
      invoice: {
        invoiceNumber,
        invoiceDate,
        randomCode,
        period,
        salesAmount,
        totalAmount,
        buyerBan,
        sellerBan,
        encrypt,
        items,
        itemsComplete: true,
        source: 'qr',
      },
      qrLeft,
      qrRight,
      barcode: `${period}${invoiceNumber}${randomCode}`,
      typedText: pick(typedStyles)(),
    };
  };
}

export function generateEInvoicePayloads(count: number, seed = 1): GeneratedEInvoice[] {
  const next = createEInvoicePayloadGenerator(seed);
  return Array.from({ length: count }, next);
}

/** Appends the check digit that makes `sevenDigits` a valid business ID (weight 1: one always exists). */
function validBan(sevenDigits: string): string {
  let sum = 0;
  for (let index = 0; index < 7; index++) {
    const product = Number(sevenDigits[index]) * (BAN_WEIGHTS[index] as number);
    sum += Math.floor(product / 10) + (product % 10);
  }
  const last = (5 - (sum % 5)) % 5;
  return `${sevenDigits}${last}`;
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function toFullWidth(text: string): string {
  return text
    .replace(/[!-~]/g, (char) => String.fromCharCode(char.charCodeAt(0) + 0xfee0))
    .replace(/ /g, '\u3000');
}
