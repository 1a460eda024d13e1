import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createLineSdkMessenger } from '../../core/messaging/index.js';
import { projectRoot } from '../../core/shared/paths.js';
import { createMofEInvoicePlatform } from '../../core/verification/index.js';
import { parseSimDataset, startMofSimulator, type RunningMofSimulator } from '../../sim/mof/index.js';

/**
 * A server that closes each keep-alive connection as the client reuses it: the first request on a
 * connection is answered, the next one finds the connection closed under it — what a Node server does
 * when its idle time-out (5 s) fires as a lagging client picks the idle connection ("fetch failed",
 * `other side closed` / ECONNRESET). Deterministic, no waiting for time-outs.
 */
async function startClosingServer(
  answer: (request: IncomingMessage, body: Buffer) => Promise<{ status: number; body: string }>,
) {
  const received: string[] = [];
  const servedOn = new WeakMap<Socket, number>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const served = servedOn.get(request.socket) ?? 0;
      servedOn.set(request.socket, served + 1);
      if (served > 0) {
        request.socket.destroy();
        return;
      }
      received.push(`${request.method} ${request.url}`);
      void answer(request, Buffer.concat(chunks)).then(({ status, body }) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Waits (no fixed sleep) until the client has put its idle connection back in its pool. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('a keep-alive connection closed by the server as it is reused', () => {
  let mofSim: RunningMofSimulator;
  let mofFront: Awaited<ReturnType<typeof startClosingServer>>;
  let lineFront: Awaited<ReturnType<typeof startClosingServer>>;

  beforeAll(async () => {
    const dataset = parseSimDataset(
      JSON.parse(readFileSync(join(projectRoot, 'test/fixtures/mof/contract-dataset.json'), 'utf8')),
    );
    mofSim = await startMofSimulator({ dataset });
    // In front of the MoF simulator: each request forwarded on a fresh connection.
    mofFront = await startClosingServer(async (request, body) => {
      const upstream = await fetch(`${mofSim.url}${request.url}`, {
        method: request.method,
        headers: { 'content-type': String(request.headers['content-type']), connection: 'close' },
        body,
      });
      return { status: upstream.status, body: await upstream.text() };
    });
    // A stand-in for LINE's push and profile endpoints.
    lineFront = await startClosingServer(async (request) => ({
      status: 200,
      body: request.url?.startsWith('/v2/bot/profile/')
        ? JSON.stringify({ userId: 'U1', displayName: 'Reset' })
        : '{}',
    }));
  });
  afterAll(async () => {
    await mofFront?.close();
    await lineFront?.close();
    await mofSim?.close();
  });

  test('when a MoF query is reset on a reused connection, then it is asked again at once and answered, with no retry budget', async () => {
    const platform = createMofEInvoicePlatform({
      baseUrl: mofFront.url,
      appId: 'EINV0000000000001',
      versions: { header: '0.5', detail: '0.6', carrier: '0.6' },
      timeoutMs: 30_000,
      maxRetries: 0,
      rateLimitPerSecond: 1_000,
    });
    const query = {
      invoiceNumber: 'AB11223344',
      invoiceDate: '2024-11-05',
      randomCode: '9999',
      period: '11312',
      type: 'Barcode' as const,
    };

    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await platform.getInvoiceDetail(query)).status);
      await nextTurn();
    }

    expect(statuses).toEqual(['found', 'found', 'found']);
    expect(mofFront.received).toHaveLength(3);
  });

  test('when a LINE push (with its retry key) or a profile read is reset on a reused connection, then it is sent again at once', async () => {
    const messenger = createLineSdkMessenger({ apiBaseUrl: lineFront.url, dataApiBaseUrl: lineFront.url });
    const channel = { lineChannelId: '1234567890', channelAccessToken: 'token-reset' };

    const results: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      results.push(
        await messenger.push(channel, {
          to: 'U1',
          messages: [{ type: 'text', text: `push ${i}` }],
          retryKey: `00000000-0000-4000-8000-00000000000${i}`,
        }),
      );
      await nextTurn();
    }
    const profile = await messenger.getProfile(channel, 'U1');

    expect(results).toEqual([{ status: 'sent' }, { status: 'sent' }]);
    expect(profile?.displayName).toBe('Reset');
    expect(lineFront.received).toEqual([
      'POST /v2/bot/message/push',
      'POST /v2/bot/message/push',
      'GET /v2/bot/profile/U1',
    ]);
  });
});
