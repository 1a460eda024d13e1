import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { scanQrCodes } from '../../core/receipts/receipt-qr.js';
import { projectRoot } from '../../core/shared/paths.js';
import { blur } from './support/photo-degradations.js';

// Degraded e-invoice photos (made by make-qr-retry-fixtures.ts from the synthetic set) on which zxing
// reads only one of the two codes as they are.
const folder = join(projectRoot, 'test', 'fixtures', 'receipts', 'qr-retry');
const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as {
  file: string;
  source: string;
  degradation: string;
  qrLeft: string;
  qrRight: string;
}[];

const readsBoth = (scan: Awaited<ReturnType<typeof scanQrCodes>>, truth: (typeof manifest)[number]) =>
  scan.left?.text === truth.qrLeft && scan.right?.text === truth.qrRight;

describe('scanQrCodes — retries on degraded photos', () => {
  test('the fixtures are e-invoice photos with two codes', () => {
    expect(manifest.length).toBeGreaterThanOrEqual(4);
    for (const entry of manifest) {
      expect(entry.qrLeft).toMatch(/^[A-Z]{2}\d{8}/);
      expect(entry.qrRight.startsWith('**')).toBe(true);
    }
  });

  test.each(manifest.map((entry) => [`${entry.file} (${entry.degradation})`, entry] as const))(
    'when the photo as it is yields one code only (%s), then a retry variant reads both',
    async (_name, entry) => {
      const image = readFileSync(join(folder, entry.file));

      const firstTry = await scanQrCodes(image, { maxAttempts: 1 });
      expect(firstTry).toMatchObject({ attempts: 1, variant: 'original' });
      expect(readsBoth(firstTry, entry)).toBe(false);
      expect(firstTry.codes.length).toBeLessThan(2);

      const scan = await scanQrCodes(image);
      expect(scan.left?.text).toBe(entry.qrLeft);
      expect(scan.right?.text).toBe(entry.qrRight);
      // The raw bytes travel with the text (the e-invoice capability decodes Big5 names from them).
      expect(Buffer.from(scan.right!.bytes).toString('utf8')).toBe(entry.qrRight);
      expect(scan.variant).not.toBe('original');
      expect(scan.attempts).toBeGreaterThan(1);

      // The last variant tried was needed: one attempt fewer does not read the pair.
      const oneFewer = await scanQrCodes(image, { maxAttempts: scan.attempts - 1 });
      expect(readsBoth(oneFewer, entry)).toBe(false);
    },
  );

  test('the retries do not all end the same way: sharpening and upscaling each rescue a photo', async () => {
    const variants = new Set<string>();
    for (const entry of manifest)
      variants.add((await scanQrCodes(readFileSync(join(folder, entry.file)))).variant);
    expect([...variants]).toEqual(expect.arrayContaining(['sharpened', 'upscaled']));
  });

  test('when the photo holds no code, then it stops after the first attempt', async () => {
    const blank = readFileSync(join(projectRoot, 'test', 'fixtures', 'receipts', 'blank.png'));
    const scan = await scanQrCodes(blank);
    expect(scan).toMatchObject({ codes: [], attempts: 1, variant: 'original' });
    expect(scan.left).toBeUndefined();
  });

  test('when the first attempt reads no code but locates codes it cannot decode, then it retries', async () => {
    // Blurred so much that zxing finds the codes but fails their checksums on the photo as it is.
    const photo = readFileSync(join(projectRoot, 'test', 'fixtures', 'receipts', 'tw-einvoice-7-photo.jpg'));
    const blurred = await blur(8)(photo);
    expect((await scanQrCodes(blurred, { maxAttempts: 1 })).codes).toEqual([]);

    const scan = await scanQrCodes(blurred);
    expect(scan.attempts).toBeGreaterThan(1);
    expect(scan.codes.length).toBeGreaterThan(0);
  });
});
