import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simAdminAt } from '../support/line-sim-admin.js';

let server: Server;
let url = '';
const seen: string[] = [];

beforeAll(async () => {
  // Resets the first connection of each path under the request (as an idle time-out does), then answers.
  server = createServer((request, response) => {
    const path = request.url ?? '';
    seen.push(`${request.method} ${path}`);
    if (seen.filter((entry) => entry.endsWith(` ${path}`)).length === 1) {
      request.socket.destroy();
      return;
    }
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ path }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("the LINE simulator's admin API from a test", () => {
  test('when a read finds its connection reset under it, then it is asked once more and answered; a write is not asked twice', async () => {
    const admin = simAdminAt(() => url);

    await expect(admin('GET', '/__sim/deliveries')).resolves.toEqual({ path: '/__sim/deliveries' });
    await expect(admin('POST', '/__sim/reset')).rejects.toThrow('fetch failed');
    expect(seen).toEqual(['GET /__sim/deliveries', 'GET /__sim/deliveries', 'POST /__sim/reset']);
  });
});
