import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';

/** A recorded `AnnotateImageResponse` and the image it answers, keyed by the image bytes' sha256. */
export type VisionRecording = { imageSha256: string; response: Record<string, unknown> };

export type VisionReplayServer = {
  url: string;
  /** Every request the server received: the tests assert auth and hints with it. */
  requests: {
    authorization: string | undefined;
    imageSha256: string;
    languageHints: string[];
    features: string[];
  }[];
  close: () => Promise<void>;
};

/** Loads every `*.vision.json` recording of a folder. */
export function loadVisionRecordings(folder: string): VisionRecording[] {
  return readdirSync(folder)
    .filter((file) => file.endsWith('.vision.json'))
    .map((file) => JSON.parse(readFileSync(join(folder, file), 'utf8')) as VisionRecording);
}

type AnnotateRequest = {
  image?: { content?: string };
  features?: { type?: string | number }[];
  imageContext?: { languageHints?: string[] };
};

/**
 * Replays Cloud Vision's REST API (`POST /v1/images:annotate`) from recorded responses, over real HTTP on
 * 127.0.0.1, so the real @google-cloud/vision client and the adapter's code run unchanged. Like Vision,
 * a per-image problem (an image it has no recording for, bytes that are not an image) is an `error`
 * inside a 200 response; a missing bearer token is a 401 for the whole call.
 */
export async function startVisionReplayServer({
  recordings,
  port = 0,
}: {
  recordings: VisionRecording[];
  port?: number;
}): Promise<VisionReplayServer> {
  const bySha = new Map(recordings.map((recording) => [recording.imageSha256, recording.response]));
  const requests: VisionReplayServer['requests'] = [];
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '30mb' }));
  app.post('/v1/images\\:annotate', (req, res) => {
    const authorization = req.header('authorization');
    if (!authorization?.startsWith('Bearer ')) {
      res.status(401).json({
        error: {
          code: 401,
          message: 'Request is missing required authentication credential.',
          status: 'UNAUTHENTICATED',
        },
      });
      return;
    }
    const body = req.body as { requests?: AnnotateRequest[] };
    const responses = (body.requests ?? []).map((request) => {
      const bytes = Buffer.from(request.image?.content ?? '', 'base64');
      const imageSha256 = createHash('sha256').update(bytes).digest('hex');
      requests.push({
        authorization,
        imageSha256,
        languageHints: request.imageContext?.languageHints ?? [],
        features: (request.features ?? []).map((feature) => String(feature.type)),
      });
      if (bytes.length === 0 || !looksLikeImage(bytes))
        return { error: { code: 3, message: 'Bad image data.' } };
      const recorded = bySha.get(imageSha256);
      if (!recorded)
        return { error: { code: 5, message: `No recording for image ${imageSha256.slice(0, 12)}` } };
      return recorded;
    });
    res.json({ responses });
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(port, '127.0.0.1', () => resolve(listening));
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function looksLikeImage(bytes: Buffer) {
  return (
    (bytes[0] === 0xff && bytes[1] === 0xd8) ||
    bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) ||
    bytes.toString('latin1', 8, 12) === 'WEBP'
  );
}
