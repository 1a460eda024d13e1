import type { Server } from 'node:http';
import type { Express } from 'express';

export type WebServer = {
  url: string;
  port: number;
  /** Stops accepting connections and resolves when the requests in flight have been answered. */
  close: () => Promise<void>;
};

/**
 * How long an idle keep-alive connection stays open. Node's default (5 s) is shorter than the idle time
 * of the clients: a client (undici's fetch, a load balancer at 60 s) that reuses a connection just as
 * the server closes it gets ECONNRESET ("fetch failed"), and a busy event loop, late to notice the
 * close, makes that likely (reproduced: 200 of 2,400 requests at 2–3.5 s of loop lag). The server keeps
 * connections longer than its clients do, so it is always the client that closes an idle one.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export function listen(app: Express, { port, host }: { port: number; host: string }): Promise<WebServer> {
  return new Promise((resolve, reject) => {
    const server: Server = app.listen(port, host);
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    // Above the keep-alive timeout, so a request on a kept connection is not cut by the header timer.
    server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
    server.once('error', reject);
    server.once('listening', () => {
      const address = server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      resolve({
        url: `http://${shownHost}:${actualPort}`,
        port: actualPort,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive connections with no request in flight would hold close() open.
            server.closeIdleConnections();
          }),
      });
    });
  });
}
