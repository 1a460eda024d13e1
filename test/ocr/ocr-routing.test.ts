import { describe, expect, test } from '@jest/globals';
import sharp from 'sharp';
import { overrideConfig } from '../../core/config/config.js';
import {
  buildOcrEngine,
  OCR_PAGE_LONG_SIDE,
  routeOcrByScript,
  type OcrEngine,
  type OcrEngineName,
  type OcrLanguage,
  type OcrRequest,
} from '../../core/ocr/index.js';
import { readReceiptImage } from '../../core/receipts/index.js';

/** An engine that answers every page with the same rows and records what it was asked. */
function scripted(name: OcrEngineName, text: string) {
  const requests: OcrRequest[] = [];
  let closed = 0;
  const engine: OcrEngine & { requests: OcrRequest[]; closed: () => number } = {
    name,
    requests,
    closed: () => closed,
    recognize: async (request) => {
      requests.push(request);
      const lines = text.split('\n').map((row, index) => {
        const box = { x0: 10, y0: 10 + index * 40, x1: 10 + row.length * 12, y1: 40 + index * 40 };
        return { text: row, confidence: 0.95, box, words: [{ text: row, confidence: 0.95, box }] };
      });
      return { engine: name, text, lines, confidence: 0.95, width: 800, height: 600, durationMs: 0 };
    },
    close: async () => {
      closed++;
    },
  };
  return engine;
}

const blankPage = () =>
  sharp({ create: { width: 400, height: 600, channels: 3, background: '#ffffff' } })
    .png()
    .toBuffer();
const now = new Date('2018-06-01T00:00:00Z');
const sure =
  'ABC HO TRADING SDN BHD\nDate 09/01/2018\nCash Bill 01-143008\nSub Total 31.00\nTOTAL 31.00\nCash 50.00\nChange 19.00';

describe('routeOcrByScript — PaddleOCR for Latin and Chinese, tesseract for Thai', () => {
  test('when a request expects Thai, then the Thai engine reads it; otherwise the main one', async () => {
    const main = scripted('paddle', 'main');
    const thai = scripted('tesseract', 'thai');
    const engine = routeOcrByScript({ main, thai, secondOpinion: thai });
    const image = Buffer.from('x');

    expect((await engine.recognize({ image, languages: ['eng', 'chi_tra'] })).engine).toBe('paddle');
    expect((await engine.recognize({ image, languages: ['eng', 'tha'] })).engine).toBe('tesseract');
    // No languages named: Thai may be on it, so the engine that reads Thai reads it.
    expect((await engine.recognize({ image })).engine).toBe('tesseract');
    await engine.close();
    expect([main.closed(), thai.closed()]).toEqual([1, 1]);
  });
});

/** What an engine was asked to read as a page (not a single row cut from it). */
const pageRequests = (engine: { requests: OcrRequest[] }) =>
  engine.requests.filter((request) => !request.singleLine);

/** Reads a blank page through PaddleOCR-as-main and tesseract-as-Thai-and-second-opinion stand-ins. */
async function readWith(main: OcrEngine, second: OcrEngine, languages: OcrLanguage[]) {
  return readReceiptImage(await blankPage(), {
    ocrEngine: routeOcrByScript({ main, thai: second, secondOpinion: second }),
    languages,
    now,
  });
}

describe('buildOcrEngine — OCR_PROVIDER=paddle', () => {
  test('when paddle is configured, then tesseract is the Thai engine and the second opinion, and nothing starts before a photo', async () => {
    const engine = buildOcrEngine(overrideConfig({ ocr: { provider: 'paddle', idleStopMs: 1_000 } }));
    expect(engine.name).toBe('paddle');
    expect(engine.secondOpinion?.name).toBe('tesseract');
    expect((engine.secondOpinion as OcrEngine & { running: boolean }).running).toBe(false);
    await engine.close();
  });
});

describe('readReceiptImage — a second engine looks again only at what the first left doubtful', () => {
  test('when the first engine reads every field surely, then the second is never asked to read the page', async () => {
    const main = scripted('paddle', sure);
    const second = scripted('tesseract', sure);
    const reading = await readWith(main, second, ['eng']);

    expect(reading.fields.totalMinor).toBe(3100);
    expect(pageRequests(main)).toHaveLength(1);
    expect(pageRequests(second)).toHaveLength(0);
    // The store name is doubtful (no chain), but its row was read surely and whole: neither engine reads it
    // again from its crop (receipt-name-rows.ts), so the second engine is not even started.
    expect([...main.requests, ...second.requests].filter((request) => request.singleLine)).toHaveLength(0);
  });

  test('when the store name row was read with a flaw, then both engines read that row again, one line each, and nothing else', async () => {
    const main = scripted('paddle', sure.replace('ABC HO TRADING', 'ABCHOTRADING'));
    const second = scripted('tesseract', sure);
    const reading = await readWith(main, second, ['eng']);

    expect(pageRequests(main)).toHaveLength(1);
    expect(pageRequests(second)).toHaveLength(0);
    expect(main.requests.filter((request) => request.singleLine)).toHaveLength(1);
    expect(second.requests.filter((request) => request.singleLine)).toHaveLength(1);
    expect(reading.timings.passes?.map((pass) => pass.name)).toEqual([
      'base',
      'tesseract:name-row',
      'paddle:name-row',
    ]);
  });

  test('when the total is missing, then the second engine reads the page at its own size and the vote keeps its total', async () => {
    const main = scripted('paddle', 'ABC HO TRADING SDN BHD\nDate 09/01/2018\nThank you');
    const second = scripted('tesseract', sure);
    const reading = await readWith(main, second, ['eng']);

    expect(reading.fields.totalMinor).toBe(3100);
    const pagePasses = reading.timings.passes?.filter((pass) => !pass.name.endsWith(':name-row'));
    expect(pagePasses?.map((pass) => pass.name).slice(0, 2)).toEqual(['base', 'tesseract:base']);
    // PaddleOCR gets its page in one resize (long side OCR_PAGE_LONG_SIDE.paddle), not tesseract's
    // 1,600-px-wide page to shrink again; tesseract gets its own page, prepared only when asked.
    const sizeOf = async (image: Buffer) => {
      const { width, height } = await sharp(image).metadata();
      return [width, height];
    };
    expect(await sizeOf(main.requests[0]!.image)).toEqual([1067, OCR_PAGE_LONG_SIDE.paddle]);
    expect(await sizeOf(pageRequests(second)[0]!.image)).toEqual([1600, 2400]);
  });

  test('when the page was read by the second engine itself (Thai), then it is not asked about it again', async () => {
    const main = scripted('paddle', sure);
    const thai = scripted('tesseract', 'ร้านค้า\nขอบคุณ');
    const reading = await readReceiptImage(await blankPage(), {
      ocrEngine: routeOcrByScript({ main, thai, secondOpinion: thai }),
      languages: ['eng', 'tha'],
      now,
    });

    expect(main.requests).toHaveLength(0);
    expect(reading.timings.passes?.every((pass) => !pass.name.includes(':'))).toBe(true);
  });
});
