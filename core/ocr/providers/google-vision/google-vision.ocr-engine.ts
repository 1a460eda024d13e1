import type { ImageAnnotatorClient } from '@google-cloud/vision';
import { createOcrImageRejectedError, createOcrUnavailableError } from '../../ocr.errors.js';
import { buildRowsFromWords, meanConfidence } from '../../ocr.rows.js';
import type { OcrEngine, OcrLanguage, OcrRequest, OcrResult } from '../../ocr.types.js';
import { wordsFromVisionResponse, type VisionAnnotateResponse } from './google-vision.layout.js';

export type GoogleVisionOcrEngineOptions = {
  /** Service-account key file; unset uses Application Default Credentials. */
  credentialsFile?: string;
  /**
   * Override of `https://vision.googleapis.com` (a replay server). An `http://` endpoint is a local
   * replay: requests then carry a static bearer token instead of Google credentials.
   */
  apiEndpoint?: string;
  /** The token sent to a replay endpoint. @default 'replay-token' */
  staticToken?: string;
  /** Per-request deadline; the client's own retries stay within it. @default 30000 */
  timeoutMs?: number;
};

const LANGUAGE_HINTS: Record<OcrLanguage, string> = { eng: 'en', tha: 'th', chi_tra: 'zh-Hant' };

/**
 * Google Cloud Vision `documentTextDetection` through the official client in REST mode. Vision groups a
 * receipt's text by column (all the prices in one block), so rows are rebuilt from the word boxes.
 */
export function buildGoogleVisionOcrEngine(options: GoogleVisionOcrEngineOptions = {}): OcrEngine {
  const endpoint = options.apiEndpoint ? new URL(options.apiEndpoint) : undefined;
  if (endpoint && !['http:', 'https:'].includes(endpoint.protocol))
    throw new Error('GOOGLE_VISION_API_ENDPOINT must be an http(s) URL');
  const replay = endpoint?.protocol === 'http:';
  let client: ImageAnnotatorClient | undefined;

  // The client library takes about a second to import: load it on first use, not at process start.
  async function getClient() {
    if (client) return client;
    const [{ ImageAnnotatorClient }, { OAuth2Client }] = await Promise.all([
      import('@google-cloud/vision'),
      import('google-auth-library'),
    ]);
    // The client sends every REST call through the auth client's gaxios, which by default loads
    // node-fetch with a dynamic `import()` on its first request. Jest run without
    // `--experimental-vm-modules` (plain `npx jest`) rejects that import
    // (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG); google-gax reports any failure before a response
    // as UNAVAILABLE (14), which the retry policy below retries until the deadline, so the call hung
    // for 30 s without a single connection. Node's own fetch needs no import and works in every runner.
    const authClient = replay
      ? new OAuth2Client({ transporterOptions: { fetchImplementation: globalThis.fetch } })
      : undefined;
    authClient?.setCredentials({
      access_token: options.staticToken ?? 'replay-token',
      expiry_date: Date.now() + 10 * 365 * 86_400_000,
    });
    client = new ImageAnnotatorClient({
      fallback: true,
      ...(endpoint
        ? {
            apiEndpoint: endpoint.hostname,
            port: Number(endpoint.port || (endpoint.protocol === 'http:' ? 80 : 443)),
            protocol: endpoint.protocol.replace(':', ''),
          }
        : {}),
      ...(authClient ? { authClient } : {}),
      ...(options.credentialsFile ? { keyFilename: options.credentialsFile } : {}),
    } as ConstructorParameters<typeof ImageAnnotatorClient>[0]);
    return client;
  }

  return {
    name: 'google-vision',
    recognize: async (request: OcrRequest): Promise<OcrResult> => {
      const started = performance.now();
      let response: VisionAnnotateResponse;
      try {
        const visionClient = await getClient();
        // The helper accepts call options as its second argument; its typings only declare the first.
        const detect = visionClient.documentTextDetection.bind(visionClient) as unknown as (
          request: unknown,
          callOptions: unknown,
        ) => Promise<[VisionAnnotateResponse]>;
        [response] = (await detect(
          {
            image: { content: request.image.toString('base64') },
            imageContext: {
              languageHints: (request.languages ?? ['eng', 'tha', 'chi_tra']).map((l) => LANGUAGE_HINTS[l]),
            },
          },
          // A worker must not wait minutes on a dead endpoint: one deadline covers the client's retries.
          {
            timeout: options.timeoutMs ?? 30_000,
            retry: {
              retryCodes: [14],
              backoffSettings: {
                initialRetryDelayMillis: 200,
                retryDelayMultiplier: 2,
                maxRetryDelayMillis: 2_000,
                totalTimeoutMillis: options.timeoutMs ?? 30_000,
                initialRpcTimeoutMillis: options.timeoutMs ?? 30_000,
                rpcTimeoutMultiplier: 1,
                maxRpcTimeoutMillis: options.timeoutMs ?? 30_000,
              },
            },
          },
        )) as unknown as [VisionAnnotateResponse];
      } catch (error) {
        throw createOcrUnavailableError({
          message: `Cloud Vision failed: ${(error as Error).message}`,
          cause: error,
        });
      }
      // Per-image problems come back in the response, not as an exception.
      if (response.error?.code) {
        throw createOcrImageRejectedError({
          message: `Cloud Vision could not read the image: ${response.error.message ?? 'unknown error'}`,
          details: { visionCode: response.error.code },
        });
      }
      const page = response.fullTextAnnotation?.pages?.[0];
      const lines = buildRowsFromWords(wordsFromVisionResponse(response));
      return {
        engine: 'google-vision',
        text: lines.map((line) => line.text).join('\n'),
        lines,
        confidence: meanConfidence(lines),
        width: page?.width ?? 0,
        height: page?.height ?? 0,
        durationMs: performance.now() - started,
      };
    },
    close: async () => {
      await client?.close();
      client = undefined;
    },
  };
}
