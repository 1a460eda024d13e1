import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { buildGoogleVisionOcrEngine, type OcrEngine } from '../../core/ocr/index.js';
import { isAppError } from '../../core/shared/errors.js';
import {
  loadVisionRecordings,
  startVisionReplayServer,
  type VisionReplayServer,
} from '../../sim/vision/index.js';
import { fixturesDir, runOcrEngineContractSuite } from './ocr-engine.contract.js';

let server: VisionReplayServer;
let engine: OcrEngine;

beforeAll(async () => {
  server = await startVisionReplayServer({ recordings: loadVisionRecordings(join(fixturesDir, 'vision')) });
  engine = buildGoogleVisionOcrEngine({ apiEndpoint: server.url, staticToken: 'test-token' });
});
afterAll(async () => {
  await engine.close();
  await server.close();
});

runOcrEngineContractSuite('google-vision', () => engine);

describe('Google Vision engine (real client, REST, replay server)', () => {
  test('when it reads, then it calls documentTextDetection with the bearer token and the language hints', async () => {
    const before = server.requests.length;

    await engine.recognize({
      image: readFileSync(join(fixturesDir, 'blank.png')),
      languages: ['eng', 'tha', 'chi_tra'],
    });

    const request = server.requests[before]!;
    expect(request.authorization).toBe('Bearer test-token');
    expect(request.languageHints).toEqual(['en', 'th', 'zh-Hant']);
    // REST mode sends enums as numbers: 11 is DOCUMENT_TEXT_DETECTION.
    expect(request.features).toEqual(['11']);
  });

  test('when Vision answers with a per-image error, then the adapter raises ocr.image_rejected (not a crash)', async () => {
    const error = await engine
      .recognize({ image: readFileSync(join(fixturesDir, 'tw-paper-1-clean.png')) })
      .catch((caught: unknown) => caught);

    expect(isAppError(error) && error.code).toBe('ocr.image_rejected');
  });

  test('when the endpoint is down, then the adapter raises ocr.unavailable', async () => {
    const down = buildGoogleVisionOcrEngine({ apiEndpoint: 'http://127.0.0.1:9', timeoutMs: 1500 });

    const error = await down
      .recognize({ image: readFileSync(join(fixturesDir, 'blank.png')) })
      .catch((caught: unknown) => caught);
    await down.close();

    expect(isAppError(error) && error.code).toBe('ocr.unavailable');
  });
});
