import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSharp } from '../shared/sharp.js';
import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
import { isRightQrPayload, looksLikeLeftQr } from '../invoices/index.js';
import { projectRoot } from '../shared/paths.js';

export type QrCode = {
  text: string;
  /** The raw payload: Big5 item names survive only here (the text is decoded as UTF-8/Latin-1). */
  bytes: Uint8Array;
};

export type QrScan = {
  codes: QrCode[];
  left?: QrCode;
  right?: QrCode;
  /** Which image variant produced the codes (`original`, `grayscale`, `sharpened`, `cropped-left`…). */
  variant: string;
  attempts: number;
  durationMs: number;
};

export type ScanQrOptions = {
  /** Image variants tried at most (1 = the original only, no retries). @default all of them */
  maxAttempts?: number;
};

let modulePrepared: Promise<unknown> | undefined;

/**
 * zxing-wasm looks for its `.wasm` on a CDN unless handed the bundled file (STACK-NOTES §8): load it once
 * from node_modules, so QR reading works offline.
 */
function ensureZxingModule() {
  modulePrepared ??= readFile(
    join(projectRoot, 'node_modules', 'zxing-wasm', 'dist', 'reader', 'zxing_reader.wasm'),
  )
    .then((wasm) =>
      prepareZXingModule({
        overrides: {
          wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer,
        },
        fireImmediately: true,
      }),
    )
    .catch((error: unknown) => {
      modulePrepared = undefined;
      throw error;
    });
  return modulePrepared;
}

const READER_OPTIONS: ReaderOptions = {
  formats: ['QRCode'],
  tryHarder: true,
  tryRotate: true,
  tryInvert: true,
  tryDownscale: true,
  maxNumberOfSymbols: 8,
};

/**
 * The 1-D barcode (Code 39) a Taiwan e-invoice proof prints above its QR codes: period, invoice number
 * and random code, 19 characters, no date. Read only when a photo shows no QR code (~30–200 ms).
 */
export async function scanInvoiceBarcodes(image: Buffer): Promise<QrCode[]> {
  await ensureZxingModule();
  const results = await readBarcodes(new Uint8Array(image.buffer, image.byteOffset, image.byteLength), {
    formats: ['Code39'],
    tryHarder: true,
    tryRotate: true,
    tryDownscale: true,
    maxNumberOfSymbols: 2,
  }).catch(() => []);
  return results
    .filter((result) => result.isValid)
    .map((result) => ({ text: result.text, bytes: result.bytes }));
}

/**
 * Whether zxing locates a QR code in the image at all, one it cannot decode included (a checksum error on
 * a blurred code): a photo where it locates none is no e-invoice, and the retries would find nothing.
 */
async function locatesQrCode(image: Buffer): Promise<boolean> {
  const results = await readBarcodes(new Uint8Array(image.buffer, image.byteOffset, image.byteLength), {
    ...READER_OPTIONS,
    returnErrors: true,
    maxNumberOfSymbols: 1,
  }).catch(() => []);
  return results.length > 0;
}

async function decode(image: Buffer): Promise<QrCode[]> {
  const results = await readBarcodes(
    new Uint8Array(image.buffer, image.byteOffset, image.byteLength),
    READER_OPTIONS,
  );
  return results
    .filter((result) => result.isValid)
    .map((result) => ({ text: result.text, bytes: result.bytes }));
}

function pair(codes: QrCode[]) {
  const right = codes.find((code) => isRightQrPayload(code.bytes));
  const left = codes.find((code) => !isRightQrPayload(code.bytes) && looksLikeLeftQr(code.text));
  return { left, right };
}

/**
 * Reads every QR code in a photo. An e-invoice proof carries two codes side by side; when the first try
 * misses one, retries on a sharpened, an upscaled, an upscaled-and-sharpened, a grayscale and two
 * half-width crops (each code on its own). Measured on 126 degraded e-invoice photos
 * (test/receipts/measure-qr-retries.ts): both codes read on 79 % without retries, 87 % with two, 88 %
 * with all (the previous grayscale-first order: 83 % and 87 %).
 */
export async function scanQrCodes(image: Buffer, options: ScanQrOptions = {}): Promise<QrScan> {
  const sharp = await loadSharp();
  const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
  await ensureZxingModule();
  const started = performance.now();
  const found = new Map<string, QrCode>();
  let attempts = 0;
  let variant = 'original';
  const metadata = await sharp(image).metadata();
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;

  // Ordered by what rescued most reads in test/receipts/measure-qr-retries.ts: sharpening undoes blur,
  // upscaling helps small or dim codes, both together read codes neither reads alone.
  const variants: [string, () => Promise<Buffer>][] = [
    ['original', async () => image],
    ['sharpened', () => sharp(image).grayscale().sharpen({ sigma: 1.5 }).linear(1.4, -40).png().toBuffer()],
    [
      'upscaled',
      () =>
        sharp(image)
          .resize({ width: Math.min(4000, width * 2) })
          .grayscale()
          .png()
          .toBuffer(),
    ],
    [
      'upscaled-sharpened',
      () =>
        sharp(image)
          .resize({ width: Math.min(4000, width * 2), kernel: 'cubic' })
          .grayscale()
          .sharpen({ sigma: 2 })
          .normalise()
          .png()
          .toBuffer(),
    ],
    ['grayscale', () => sharp(image).grayscale().normalise().png().toBuffer()],
    [
      'cropped-left',
      () =>
        sharp(image)
          .extract({ left: 0, top: 0, width: Math.max(1, Math.round(width * 0.6)), height })
          .resize({ width: Math.min(3000, Math.round(width * 1.2)) })
          .grayscale()
          .png()
          .toBuffer(),
    ],
    [
      'cropped-right',
      () => {
        const left = Math.round(width * 0.4);
        return sharp(image)
          .extract({ left, top: 0, width: Math.max(1, width - left), height })
          .resize({ width: Math.min(3000, Math.round(width * 1.2)) })
          .grayscale()
          .png()
          .toBuffer();
      },
    ],
  ];

  for (const [name, build] of variants) {
    if (width === 0 || height === 0 || attempts >= maxAttempts) break;
    attempts++;
    const codes = await decode(await build()).catch(() => [] as QrCode[]);
    let added = false;
    for (const code of codes) {
      if (!found.has(code.text)) {
        found.set(code.text, code);
        added = true;
      }
    }
    if (added) variant = name;
    const { left, right } = pair([...found.values()]);
    if (left && right) break;
    // A photo where the first try locates no code at all, not even one it cannot read, is not an
    // e-invoice: the retries (the sharpened copy alone costs ~200 ms of CPU on a large scan) would find
    // nothing. On 126 degraded e-invoice photos the first try read no code on 7; the retries read a code
    // on one of them, where zxing had located codes it could not decode (decision 008, 2026-12-06).
    if (attempts === 1 && found.size === 0 && !(await locatesQrCode(image))) break;
    // A photo with no code at all after two tries is not an e-invoice: stop spending time on it.
    if (attempts >= 2 && found.size === 0) break;
  }
  const codes = [...found.values()];
  return { codes, ...pair(codes), variant, attempts, durationMs: performance.now() - started };
}
