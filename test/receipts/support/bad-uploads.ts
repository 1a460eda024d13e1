/** Uploads Proofline must refuse: shared by the use-case and the HTTP refusal tests. */
import { crc32, createDeflate } from 'node:zlib';

const bombs = new Map<string, Promise<Buffer>>();

/**
 * A valid grayscale PNG of black pixels: 400 MP at 20000×20000 that deflate to well under 1 MB (made once
 * per size and test file: deflating 400 MB takes seconds).
 */
export function pngBomb(width: number, height: number): Promise<Buffer> {
  const key = `${width}x${height}`;
  if (!bombs.has(key)) bombs.set(key, makePngBomb(width, height));
  return bombs.get(key)!;
}

async function makePngBomb(width: number, height: number): Promise<Buffer> {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grayscale
  const deflate = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (part: Buffer) => parts.push(part));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const row = Buffer.alloc(width + 1); // filter byte 0, then black pixels
  for (let y = 0; y < height; y++)
    if (!deflate.write(row)) await new Promise((resolve) => deflate.once('drain', resolve));
  deflate.end();
  await done;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', Buffer.concat(parts)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The first half of a JPEG: a photo whose upload was cut off. */
export const truncated = (jpeg: Buffer) => jpeg.subarray(0, Math.floor(jpeg.length / 2));

/** A real photo padded to 30 MB (its header still says JPEG). */
export const thirtyMegabytes = (jpeg: Buffer) => Buffer.concat([jpeg, Buffer.alloc(30 * 1024 * 1024)]);

/** Not an image at all, whatever the request's Content-Type says. */
export const pdf = () => Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n');
