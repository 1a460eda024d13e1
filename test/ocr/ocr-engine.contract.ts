import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import type { OcrEngine } from '../../core/ocr/index.js';
import { parseReceiptText } from '../../core/receipts/index.js';
import { projectRoot } from '../../core/shared/paths.js';

export const fixturesDir = join(projectRoot, 'test', 'fixtures', 'receipts');
const fixture = (name: string) => readFileSync(join(fixturesDir, name));

/**
 * What every OcrEngine must do, run against tesseract (real images) and Google Vision (recorded
 * responses replayed through the real client). `getEngine` is called inside tests, after beforeAll.
 */
export function runOcrEngineContractSuite(name: string, getEngine: () => OcrEngine) {
  describe(`OcrEngine contract: ${name}`, () => {
    test('when a Thai receipt is read, then rows hold each label with its amount, in order, with boxes and confidences', async () => {
      const result = await getEngine().recognize({
        image: fixture('th-receipt-1-clean.png'),
        languages: ['eng', 'tha'],
      });

      expect(result.engine).toBe(name);
      expect(result.lines.length).toBeGreaterThan(8);
      for (const line of result.lines) {
        expect(line.confidence).toBeGreaterThanOrEqual(0);
        expect(line.confidence).toBeLessThanOrEqual(1);
        expect(line.box.x1).toBeGreaterThan(line.box.x0);
        expect(line.words.length).toBeGreaterThan(0);
      }
      const tops = result.lines.map((line) => line.box.y0);
      expect(tops).toEqual([...tops].sort((a, b) => a - b));
      // The tax ID and the grand total row: label and amount on one line, whatever the engine's blocks.
      expect(result.text).toContain('9175680647138');
      expect(result.lines.some((line) => /521\.00/.test(line.text) && /รวม/.test(line.text))).toBe(true);
      const parsed = parseReceiptText(result.lines, { now: new Date('2026-01-01') });
      expect(parsed.fields.totalMinor).toBe(52100);
      expect(parsed.fields.date).toBe('2025-01-07');
      expect(parsed.fields.taxId).toBe('9175680647138');
    });

    test('when a real scanned receipt is read, then the store name and the date come through', async () => {
      const result = await getEngine().recognize({ image: fixture('sroie-005.jpg'), languages: ['eng'] });

      expect(result.text).toMatch(/ABC HO TRADING/);
      expect(result.text).toMatch(/09\/01\/2019/);
      expect(result.confidence).toBeGreaterThan(0.5);
    });

    test('when the image holds no text, then the result is empty, not an error', async () => {
      const result = await getEngine().recognize({ image: fixture('blank.png'), languages: ['eng'] });

      expect(result.lines).toEqual([]);
      expect(result.text).toBe('');
      expect(result.confidence).toBe(0);
    });
  });
}
