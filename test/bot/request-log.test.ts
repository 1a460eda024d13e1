import { describe, expect, test } from '@jest/globals';
import express from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { createRequestLog } from '../../bot/middlewares/request-log.js';
import { createLogger } from '../../core/shared/logger.js';

/** A logger keeping its lines, whose redaction would censor the request line's path and status. */
function keptLines() {
  const lines: Record<string, unknown>[] = [];
  const destination = {
    write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
  };
  return { lines, destination };
}

function appWith(logger: ReturnType<typeof createLogger>) {
  const app = express();
  app.use(...createRequestLog(logger));
  app.get('/fine', (_req, res) => void res.json({}));
  app.get('/missing', (_req, res) => void res.status(404).json({}));
  app.get('/broken', (_req, res) => void res.status(500).json({}));
  return app;
}

describe('request log lines', () => {
  test('when a request completes, then its line is written without the redaction pass (its fields are all built by the request log) and keeps the request id', async () => {
    const { lines, destination } = keptLines();
    const logger = pino(
      {
        redact: { paths: ['req.path', 'res.statusCode'], censor: '[redacted]' },
        mixin: () => ({ mixed: true }),
      },
      destination,
    );
    const app = appWith(logger);

    await request(app).get('/fine').set('x-request-id', 'req-fine-1');
    await request(app).get('/missing').set('x-request-id', 'req-missing-1');

    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'request completed',
        req: { id: 'req-fine-1', method: 'GET', path: '/fine' },
        res: { statusCode: 200 },
        mixed: true,
      }),
      expect.objectContaining({
        level: 40,
        msg: 'request completed',
        req: { id: 'req-missing-1', method: 'GET', path: '/missing' },
        res: { statusCode: 404 },
      }),
    ]);
  });

  test('when a request errors, then its line still goes through the logger redaction', async () => {
    const { lines, destination } = keptLines();
    const logger = pino({ redact: { paths: ['req.path'], censor: '[redacted]' } }, destination);

    await request(appWith(logger)).get('/broken');

    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        msg: 'request errored',
        req: expect.objectContaining({ path: '[redacted]' }),
      }),
    ]);
  });

  test("when the project's logger writes a request line, then it is the same line as before", async () => {
    const { lines, destination } = keptLines();
    await request(appWith(createLogger({ destination })))
      .get('/fine')
      .set('x-request-id', 'req-same-1');

    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        name: 'proofline',
        msg: 'request completed',
        req: { id: 'req-same-1', method: 'GET', path: '/fine' },
        res: { statusCode: 200 },
        reqId: 'req-same-1',
      }),
    ]);
  });
});
