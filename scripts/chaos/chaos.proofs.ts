import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';
import { projectRoot } from '../../core/shared/paths.js';
import { mulberry32 } from '../../core/shared/seeded-random.js';
import type { SimDatasetInput, SimInvoiceInput } from '../../sim/mof/index.js';

/** What one simulated LINE user does in the chaos round (a body for the LINE simulator's `send`). */
export type ChaosSend = {
  userId: string;
  kind: 'typed' | 'qr_photo' | 'receipt_photo' | 'carrier' | 'follow';
  body: Record<string, unknown>;
};

export type ChaosPlan = {
  users: string[];
  /** Follows first (each user adds the account), then the proofs in a shuffled order. */
  follows: ChaosSend[];
  proofs: ChaosSend[];
  dataset: SimDatasetInput;
};

type ProofKind = 'typed' | 'qr_photo' | 'receipt_photo' | 'carrier';
/** Out of 20 proofs: mostly typed and QR photos; receipt photos cost OCR time, so fewer of them. */
const MIX: ProofKind[] = [
  ...Array<'typed'>(8).fill('typed'),
  ...Array<'qr_photo'>(5).fill('qr_photo'),
  ...Array<'receipt_photo'>(3).fill('receipt_photo'),
  ...Array<'carrier'>(4).fill('carrier'),
];
const SELLER_BAN = '28414044';

/** The ISO date `days` before now, in Taipei. */
function taipeiDaysAgo(days: number): string {
  return new Date(Date.now() + 8 * 3_600_000 - days * 86_400_000).toISOString().slice(0, 10);
}

function rocDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${Number(year) - 1911}${month}${day}`;
}

/**
 * Plans a round of `proofs` mixed proofs from `proofs / 4` users, with the invoices and carriers the MoF
 * simulator must know. One typed invoice in ten is not uploaded yet (it waits), one proof in fifteen
 * repeats an invoice its sender already sent (a duplicate).
 */
export async function planChaosRound({ proofs, seed = 1 }: { proofs: number; seed?: number }) {
  const random = mulberry32(seed);
  const users = Array.from(
    { length: Math.max(1, Math.ceil(proofs / 4)) },
    (_, i) => `U${(0xc4a05_000000 + i).toString(16).padStart(32, '0')}`,
  );
  const purchaseDate = taipeiDaysAgo(1);
  const invoices: SimInvoiceInput[] = [];
  const carriers: { cardNo: string; cardEncrypt: string }[] = [];
  const sentBy = new Map<string, string[]>();
  const plan: ChaosSend[] = [];
  const invoice = (prefix: string, i: number, extra: Partial<SimInvoiceInput> = {}) => {
    const row: SimInvoiceInput = {
      invoiceNumber: `${prefix}${String(10_000_000 + i)}`,
      invoiceDate: purchaseDate,
      randomCode: String(1000 + (i % 9000)),
      sellerBan: SELLER_BAN,
      sellerName: '好茶專賣店',
      totalAmount: 120 + (i % 7) * 10,
      items: [{ name: '好茶綠茶', quantity: 2, unitPrice: 60 + (i % 7) * 5 }],
      ...extra,
    };
    invoices.push(row);
    return row;
  };

  for (let i = 0; i < proofs; i++) {
    const userId = users[i % users.length] as string;
    const kind = MIX[Math.floor(random() * MIX.length)] as ProofKind;
    const earlier = sentBy.get(userId) ?? [];
    if (kind === 'typed' && earlier.length > 0 && random() < 1 / 15) {
      plan.push({ userId, kind, body: { type: 'text', text: earlier[0] } });
      continue;
    }
    switch (kind) {
      case 'typed': {
        const late = random() < 0.1;
        const row = invoice('CT', i, late ? { uploadedAfterHours: 10_000 } : {});
        const text = `${row.invoiceNumber} ${rocDate(purchaseDate)} ${row.randomCode}`;
        sentBy.set(userId, [...earlier, text]);
        plan.push({ userId, kind, body: { type: 'text', text } });
        break;
      }
      case 'qr_photo':
      case 'receipt_photo': {
        const photo =
          kind === 'qr_photo'
            ? await qrPhoto(invoice('CQ', i), purchaseDate)
            : await receiptPhoto(i, purchaseDate);
        plan.push({
          userId,
          kind,
          body: { type: 'image', imageBase64: photo.toString('base64'), contentType: 'image/png' },
        });
        break;
      }
      case 'carrier': {
        const cardNo = `/CH${String(i).padStart(5, '0')}`;
        carriers.push({ cardNo, cardEncrypt: 'CHAOS1' });
        invoice('CC', i, { carrierCardNo: cardNo });
        invoice('CD', i, { carrierCardNo: cardNo, totalAmount: 80 });
        plan.push({ userId, kind, body: { type: 'text', text: `${cardNo} CHAOS1` } });
        break;
      }
    }
  }
  const follows = users.map<ChaosSend>((userId) => ({ userId, kind: 'follow', body: { type: 'follow' } }));
  return { users, follows, proofs: plan, dataset: { invoices, carriers } } satisfies ChaosPlan;
}

let writerReady: Promise<unknown> | undefined;
function ensureWriter() {
  writerReady ??= readFile(
    join(projectRoot, 'node_modules', 'zxing-wasm', 'dist', 'writer', 'zxing_writer.wasm'),
  ).then((wasm) =>
    prepareZXingModule({
      overrides: {
        wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer,
      },
      fireImmediately: true,
    }),
  );
  return writerReady;
}

async function qrPng(text: string): Promise<{ png: Buffer; width: number; height: number }> {
  await ensureWriter();
  const written = await writeBarcode(text, { format: 'QRCode', scale: 4 });
  if (written.error) throw new Error(`QR code: ${written.error}`);
  const png = await sharp(Buffer.from(written.svg)).png().toBuffer();
  const { width = 0, height = 0 } = await sharp(png).metadata();
  return { png, width, height };
}

/** An e-invoice proof as a member photographs it: the left and right QR codes side by side. */
async function qrPhoto(row: SimInvoiceInput, purchaseDate: string): Promise<Buffer> {
  const hex = (amount: number) => Math.round(amount).toString(16).padStart(8, '0');
  const total = row.totalAmount;
  const item = row.items?.[0] ?? { name: '好茶綠茶', quantity: 1, unitPrice: total };
  const left =
    `${row.invoiceNumber}${rocDate(purchaseDate)}${row.randomCode}${hex(total / 1.05)}${hex(total)}` +
    `00000000${row.sellerBan}${'A'.repeat(24)}:**********:1:1:1:${item.name}:${item.quantity}:${item.unitPrice}`;
  const [a, b] = await Promise.all([qrPng(left), qrPng('**')]);
  return sharp({
    create: {
      width: a.width + b.width + 120,
      height: Math.max(a.height, b.height) + 80,
      channels: 3,
      background: '#ffffff',
    },
  })
    .composite([
      { input: a.png, left: 40, top: 40 },
      { input: b.png, left: 80 + a.width, top: 40 },
    ])
    .png()
    .toBuffer();
}

/** A printed store receipt (no QR code): OCR reads it, and it goes to review or is decided. */
async function receiptPhoto(i: number, purchaseDate: string): Promise<Buffer> {
  const lines = [
    '好茶專賣店 Demo Tea Shop',
    `統一編號 ${SELLER_BAN}`,
    `${purchaseDate} 12:${String(i % 60).padStart(2, '0')}`,
    `好茶綠茶 x${1 + (i % 3)}   ${60 * (1 + (i % 3))}`,
    `合計 TOTAL ${60 * (1 + (i % 3))}`,
    `No. ${String(100_000 + i)}`,
  ];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="560" height="${80 + lines.length * 48}">
<rect width="100%" height="100%" fill="#fff"/>
${lines.map((line, n) => `<text x="30" y="${70 + n * 48}" font-size="30" font-family="Noto Sans CJK TC, sans-serif">${line}</text>`).join('\n')}
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
