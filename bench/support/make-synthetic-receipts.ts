/**
 * `tsx bench/support/make-synthetic-receipts.ts [--part check|tuning] [--seed N] [--count N] [--out DIR]`:
 * makes labelled synthetic TW paper (cash-register) invoices and Thai receipts in the layout of
 * `../shared/data/receipts/synthetic/`, in the same seven variants (clean, rotate, blur, jpeg, small,
 * shear, photo). Two parts that never share a seed, a font or a store (docs/decisions/007-receipt-reader-split.md):
 * - `check` (default; seed 20261202, .tmp/synthetic-check): the reader is judged on it, never tuned;
 * - `tuning` (seed 20261205, .tmp/synthetic-tuning): other fonts (the HK cuts of Noto CJK; other Thai
 *   fonts) and other sellers, for looking at misses beside the shared set;
 * - `wide` (seed 20261207, .tmp/synthetic-wide): held-out tuning, fonts and stores of neither other part
 *   (Debian packages fonts-noto-core, fonts-arundina, fonts-arphic-uming, fonts-arphic-ukai,
 *   fonts-wqy-zenhei: the script stops, naming them, when a font is missing).
 * Deterministic: the same seed and the same system fonts give the same images.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { mulberry32 } from '../../core/shared/seeded-random.js';
import { projectRoot } from '../../core/shared/paths.js';
import { SYNTHETIC_PARTS } from './synthetic-parts.js';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) =>
  argv.includes(name) ? argv[argv.indexOf(name) + 1]! : fallback;

const VARIANTS = ['clean', 'rotate', 'blur', 'jpeg', 'small', 'shear', 'photo'] as const;
type Variant = (typeof VARIANTS)[number];

const partName = option('--part', 'check');
if (partName !== 'check' && partName !== 'tuning' && partName !== 'wide')
  throw new Error(`--part check|tuning|wide, not ${partName}`);
const part = SYNTHETIC_PARTS[partName];
// A missing font would be drawn in fontconfig's fallback: another part's font, silently.
const installed = new Set(
  execFileSync('fc-list', [':', 'family'], { encoding: 'utf8' })
    .split('\n')
    .flatMap((line) => line.split(',')),
);
const missing = [...part.twFonts, ...part.thFonts].filter((font) => !installed.has(font));
if (missing.length > 0) {
  console.error(
    `The ${partName} part's fonts ${missing.join(', ')} are not installed: apt-get install -y ${part.fontPackages.join(' ')}`,
  );
  process.exit(1);
}
const seed = Number(option('--seed', String(part.seed)));
const count = Number(option('--count', '14'));
const outDir = option('--out', join(projectRoot, '.tmp', `synthetic-${partName}`));
const TW_FONTS = part.twFonts;
const TH_FONTS = part.thFonts;
const TW_SELLERS = part.twSellers;
const TH_STORES = part.thStores;

const TW_ITEMS = [
  '御茶園特撰冰釀綠茶',
  '林鳳營鮮乳',
  '茶裏王日式綠茶600ml',
  '舒跑運動飲料',
  '統一布丁',
  '義美小泡芙',
  '光泉米漿',
  '可口可樂600ml',
  '乖乖奶油椰子',
  '蘋果西打',
];
const TH_ITEMS = [
  'น้ำดื่มสิงห์ 1.5ล',
  'มาม่า รสหมูสับ',
  'นมเมจิ 830มล',
  'ขนมปังฟาร์มเฮ้าส์',
  'ไข่ไก่ เบอร์ 1 แพ็ค10',
  'โค้ก 1.25ล',
  'น้ำปลาทิพรส',
  'ยาสีฟันคอลเกต',
  'ข้าวหอมมะลิ 5กก',
];
const TH_MONTHS = [
  'ม.ค.',
  'ก.พ.',
  'มี.ค.',
  'เม.ย.',
  'พ.ค.',
  'มิ.ย.',
  'ก.ค.',
  'ส.ค.',
  'ก.ย.',
  'ต.ค.',
  'พ.ย.',
  'ธ.ค.',
];

const random = mulberry32(seed);
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const pick = <T>(list: readonly T[]): T => list[int(0, list.length - 1)]!;
const pad = (value: number, width = 2) => String(value).padStart(width, '0');
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function validBan(seven: string) {
  const weights = [1, 2, 1, 2, 1, 2, 4, 1];
  let sum = 0;
  for (let i = 0; i < 7; i++) {
    const product = Number(seven[i]) * weights[i]!;
    sum += Math.floor(product / 10) + (product % 10);
  }
  return `${seven}${(5 - (sum % 5)) % 5}`;
}

function validThaiTaxId(twelve: string) {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(twelve[i]) * (13 - i);
  return `${twelve}${(11 - (sum % 11)) % 10}`;
}

const digits = (n: number) => Array.from({ length: n }, () => int(0, 9)).join('');

function randomDate() {
  const year = int(2024, 2025);
  const month = int(1, 12);
  const day = int(1, new Date(Date.UTC(year, month, 0)).getUTCDate());
  return { year, month, day, iso: `${year}-${pad(month)}-${pad(day)}` };
}

type Row = { text: string; right?: string; size: number; bold?: boolean; align?: 'left' | 'center' };

function svgOf(rows: Row[], font: string, width: number) {
  let y = 20;
  const parts: string[] = [];
  for (const row of rows) {
    y += Math.round(row.size * 1.45);
    const weight = row.bold ? 'bold' : 'normal';
    const style = `font-family="${font}" font-size="${row.size}" font-weight="${weight}" fill="#1a1a1a"`;
    if (row.align === 'center')
      parts.push(`<text x="${width / 2}" y="${y}" text-anchor="middle" ${style}>${escape(row.text)}</text>`);
    else parts.push(`<text x="36" y="${y}" ${style}>${escape(row.text)}</text>`);
    if (row.right)
      parts.push(`<text x="${width - 36}" y="${y}" text-anchor="end" ${style}>${escape(row.right)}</text>`);
  }
  const height = y + 60;
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fbfaf6"/>${parts.join('')}</svg>`,
  );
}

function twPaper() {
  const seller = pick(TW_SELLERS);
  const date = randomDate();
  const roc = date.year - 1911;
  const periodEnd = Math.ceil(date.month / 2) * 2;
  const letters = String.fromCharCode(65 + int(0, 25), 65 + int(0, 25));
  const invoiceNumber = `${letters}${digits(8)}`;
  const sellerBan = validBan(digits(7));
  const items = Array.from({ length: int(1, 4) }, () => ({
    name: pick(TW_ITEMS),
    quantity: int(1, 3),
    amount: int(20, 400),
  }));
  const total = items.reduce((sum, item) => sum + item.amount, 0);
  const rows: Row[] = [
    { text: '統一發票(收銀機)', size: 36, bold: true, align: 'center' },
    { text: `${roc}年${pad(periodEnd - 1)}-${pad(periodEnd)}月`, size: 28, align: 'center' },
    { text: `${letters}-${invoiceNumber.slice(2)}`, size: 40, bold: true, align: 'center' },
    { text: seller.name, size: 24 },
    { text: seller.address, size: 24 },
    { text: `統一編號 ${sellerBan}`, size: 24 },
    { text: `${roc}/${pad(date.month)}/${pad(date.day)} ${pad(int(7, 22))}:${pad(int(0, 59))}`, size: 24 },
    ...items.map((item) => ({ text: `${item.name} x${item.quantity}`, right: `${item.amount}TX`, size: 24 })),
    { text: `共 ${items.length} 項`, size: 24 },
    { text: '總計', right: `$${total}`, size: 30, bold: true },
  ];
  return {
    rows,
    font: pick(TW_FONTS),
    label: {
      kind: 'tw-paper-invoice',
      invoiceNumber,
      date: date.iso,
      totalAmount: total,
      sellerBan,
      sellerName: seller.name,
      items,
    },
  };
}

function thReceipt() {
  const store = pick(TH_STORES);
  const date = randomDate();
  const time = `${pad(int(6, 22))}:${pad(int(0, 59))}`;
  const taxId = validThaiTaxId(digits(12));
  const items = Array.from({ length: int(2, 6) }, () => {
    const quantity = int(1, 3);
    return { name: pick(TH_ITEMS), quantity, amount: quantity * int(12, 90) + pick([0, 0.25, 0.5, 0.75]) };
  });
  const total = items.reduce((sum, item) => sum + item.amount, 0);
  const vat = Math.round(((total * 7) / 107) * 100) / 100;
  const be = date.year + 543;
  const printedDate =
    random() < 0.5
      ? `${pad(date.day)}/${pad(date.month)}/${be}`
      : `${date.day} ${TH_MONTHS[date.month - 1]} ${String(be).slice(2)}`;
  const money = (value: number) =>
    value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const rows: Row[] = [
    { text: store.name, size: 34, bold: true, align: 'center' },
    { text: store.branch, size: 22, align: 'center' },
    { text: `เลขประจำตัวผู้เสียภาษี ${taxId}`, size: 24 },
    { text: 'ใบเสร็จรับเงิน/ใบกำกับภาษีอย่างย่อ', size: 26, align: 'center' },
    { text: `วันที่ ${printedDate} ${time}`, size: 26 },
    ...items.map((item) => ({ text: `${item.quantity} ${item.name}`, right: money(item.amount), size: 26 })),
    { text: 'รวมทั้งสิ้น', right: money(total), size: 34, bold: true },
    { text: 'ภาษีมูลค่าเพิ่ม 7%', right: money(vat), size: 22 },
    { text: 'ขอบคุณที่ใช้บริการ', size: 24, align: 'center' },
  ];
  return {
    rows,
    font: pick(TH_FONTS),
    label: {
      kind: 'th-receipt',
      storeName: store.name,
      branch: store.branch,
      taxId,
      date: date.iso,
      time,
      totalAmount: Math.round(total * 100) / 100,
      vatAmount: vat,
      items,
    },
  };
}

async function degrade(png: Buffer, variant: Variant): Promise<{ bytes: Buffer; ext: 'png' | 'jpg' }> {
  const { width = 0, height = 0 } = await sharp(png).metadata();
  switch (variant) {
    case 'clean':
      return { bytes: png, ext: 'png' };
    case 'rotate':
      return {
        bytes: await sharp(png)
          .rotate(int(-6, 6) || 4, { background: '#e8e6e0' })
          .jpeg({ quality: 85 })
          .toBuffer(),
        ext: 'jpg',
      };
    case 'blur':
      return { bytes: await sharp(png).blur(1.3).jpeg({ quality: 85 }).toBuffer(), ext: 'jpg' };
    case 'jpeg':
      return { bytes: await sharp(png).jpeg({ quality: 30 }).toBuffer(), ext: 'jpg' };
    case 'small':
      return {
        bytes: await sharp(png)
          .resize({ width: Math.round(width * 0.55) })
          .jpeg({ quality: 80 })
          .toBuffer(),
        ext: 'jpg',
      };
    case 'shear':
      return {
        bytes: await sharp(png)
          .affine([1, 0.1, 0.03, 1], { background: '#ffffff' })
          .jpeg({ quality: 80 })
          .toBuffer(),
        ext: 'jpg',
      };
    case 'photo': {
      const shade = Buffer.from(
        `<svg width="${width}" height="${height}"><defs><linearGradient id="g" x1="0" x2="1" y1="0" y2="1"><stop offset="0" stop-color="black" stop-opacity="0.35"/><stop offset="1" stop-color="black" stop-opacity="0"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`,
      );
      const shaded = await sharp(png)
        .composite([{ input: shade }])
        .png()
        .toBuffer();
      const onTable = await sharp(shaded)
        .extend({ top: 80, bottom: 80, left: 90, right: 90, background: '#3a3430' })
        .rotate(int(-4, 4) || -3, { background: '#3a3430' })
        .png()
        .toBuffer();
      return { bytes: await sharp(onTable).blur(0.9).jpeg({ quality: 60 }).toBuffer(), ext: 'jpg' };
    }
  }
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const labels: Record<string, unknown>[] = [];
  for (const [prefix, make] of [
    ['tw-paper', twPaper],
    ['th-receipt', thReceipt],
  ] as const) {
    for (let n = 1; n <= count; n++) {
      const receipt = make();
      const variant = VARIANTS[(n - 1) % VARIANTS.length]!;
      const png = await sharp(svgOf(receipt.rows, receipt.font, 740))
        .png()
        .toBuffer();
      const { bytes, ext } = await degrade(png, variant);
      const file = `${prefix}-${{ tuning: 't', check: 'c', wide: 'w' }[partName]}${n}-${variant}.${ext}`;
      writeFileSync(join(outDir, file), bytes);
      labels.push({ file, variant, font: receipt.font, ...receipt.label });
    }
  }
  writeFileSync(join(outDir, 'labels.json'), `${JSON.stringify(labels, null, 1)}\n`);
  console.log(`${labels.length} images in ${outDir} (${partName} part, seed ${seed})`);
}

await main();
