import { describe, expect, test } from '@jest/globals';
import { overrideConfig } from '../../core/config/config.js';
import { buildFakeOcrEngine, buildOcrEngine, stopOcrEngineWhenIdle } from '../../core/ocr/index.js';

const IDLE_MS = 80;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const request = { image: Buffer.from('x'), languages: ['eng' as const] };

function countedFactory() {
  const counts = { built: 0, closed: 0 };
  const build = () => {
    counts.built++;
    const engine = buildFakeOcrEngine('TOTAL 100');
    return {
      ...engine,
      close: async () => {
        counts.closed++;
      },
    };
  };
  return { counts, build };
}

describe('OCR workers start on the first photo and stop when idle', () => {
  test('when no photo has come, then no engine is built', () => {
    const { counts, build } = countedFactory();
    const engine = stopOcrEngineWhenIdle('tesseract', build, { idleMs: IDLE_MS });
    expect(engine.running).toBe(false);
    expect(counts.built).toBe(0);
  });

  test('when photos stop coming, then the engine is closed after the idle time and built again by the next photo', async () => {
    const { counts, build } = countedFactory();
    const engine = stopOcrEngineWhenIdle('tesseract', build, { idleMs: IDLE_MS });

    await engine.recognize(request);
    await engine.recognize(request);
    expect(counts).toEqual({ built: 1, closed: 0 });
    expect(engine.running).toBe(true);

    await sleep(IDLE_MS * 3);
    expect(counts).toEqual({ built: 1, closed: 1 });
    expect(engine.running).toBe(false);

    const result = await engine.recognize(request);
    expect(result.text).toBe('TOTAL 100');
    expect(counts).toEqual({ built: 2, closed: 1 });
    await engine.close();
    expect(counts).toEqual({ built: 2, closed: 2 });
  });

  test('when a photo is being read, then the idle timer does not stop the engine under it', async () => {
    let release: () => void = () => {};
    const counts = { built: 0, closed: 0 };
    const engine = stopOcrEngineWhenIdle(
      'tesseract',
      () => {
        counts.built++;
        const fake = buildFakeOcrEngine('SLOW');
        return {
          ...fake,
          recognize: async (input) => {
            await new Promise<void>((resolve) => (release = resolve));
            return fake.recognize(input);
          },
          close: async () => {
            counts.closed++;
          },
        };
      },
      { idleMs: IDLE_MS },
    );
    const reading = engine.recognize(request);
    await sleep(IDLE_MS * 3);
    expect(counts.closed).toBe(0);
    release();
    expect((await reading).text).toBe('SLOW');
    await sleep(IDLE_MS * 3);
    expect(counts.closed).toBe(1);
  });

  test('when OCR_IDLE_STOP_MS is 0, then the engine is kept until closed; the config builds the wrapper lazily', async () => {
    const { counts, build } = countedFactory();
    const engine = stopOcrEngineWhenIdle('tesseract', build, { idleMs: 0 });
    await engine.recognize(request);
    await sleep(IDLE_MS * 2);
    expect(counts).toEqual({ built: 1, closed: 0 });
    await engine.close();
    expect(counts.closed).toBe(1);

    const configured = buildOcrEngine(overrideConfig({ ocr: { provider: 'tesseract', idleStopMs: 1_000 } }));
    expect((configured as typeof configured & { running: boolean }).running).toBe(false);
    await configured.close();
  });
});
