import type { Server } from 'node:http';
import type { Express } from 'express';

export type WebServer = {
  url: string;
  port: number;
  /** Stops accepting connections and resolves when the requests in flight have been answered. */
  close: () => Promise<void>;
};

export function listen(app: Express, { port, host }: { port: number; host: string }): Promise<WebServer> {
  return new Promise((resolve, reject) => {
    const server: Server = app.listen(port, host);
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
