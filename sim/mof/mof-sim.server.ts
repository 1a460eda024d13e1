import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import type { Clock } from '../../core/shared/clock.js';
import type { Logger } from '../../core/shared/logger.js';
import { SimDatasetError, type SimDataset, type SimInvoiceInput } from './mof-sim.dataset.js';
import { createMofSimState, type MofSimState, type SimAnswer, type SimKnobs } from './mof-sim.state.js';

const knobsSchema = z
  .object({
    latencyMs: z.number().int().min(0).max(600_000),
    errorRate: z.number().min(0).max(1),
    seed: z.number().int(),
    failNextRequests: z.number().int().min(0),
    retryAfterSeconds: z.number().int().min(0).nullable(),
    detailQueryCap: z.number().int().min(0),
    carrierPageSize: z.number().int().min(1).max(1000),
  })
  .partial()
  .strict();

const clockSchema = z.union([
  z.object({ now: z.iso.datetime({ offset: true }) }).strict(),
  z.object({ advanceHours: z.number() }).strict(),
  z.object({ reset: z.literal(true) }).strict(),
]);

function formParams(req: Request): Record<string, string> {
  // The platform reads form fields; query-string fields are accepted too (as Postman users send them).
  const merged: Record<string, string> = {};
  for (const source of [req.query, req.body]) {
    if (!source || typeof source !== 'object') continue;
    for (const [key, value] of Object.entries(source as Record<string, unknown>))
      if (typeof value === 'string') merged[key] = value;
  }
  return merged;
}

function send(res: Response, answer: SimAnswer) {
  if (res.writableEnded || res.destroyed) return; // the client gave up (time-out): nothing to do
  if (answer.headers) res.set(answer.headers);
  if (typeof answer.body === 'string') res.status(answer.httpStatus).type('text/plain').send(answer.body);
  else res.status(answer.httpStatus).json(answer.body);
}

/** The simulated MoF API and its admin API, as an express app over one state. */
export function createMofSimApp(state: MofSimState) {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const api = express.Router();
  api.use(express.urlencoded({ extended: false, limit: '64kb' }));
  api.all(['/PB2CAPIVAN/invapp/InvApp', '/PB2CAPIVAN/invServ/InvServ'], (req, res) => {
    const params = formParams(req);
    const injected = state.admit(req.path, params);
    const answer = () => send(res, injected ?? state.answer(req.path, params));
    const { latencyMs } = state.knobs();
    if (latencyMs > 0) setTimeout(answer, latencyMs);
    else answer();
  });
  app.use(api);

  const admin = express.Router();
  admin.use(express.json({ limit: '5mb' }));
  admin.get('/health', (_req, res) => {
    res.json({ ok: true, invoices: state.invoiceCount(), now: state.now().toISOString() });
  });
  admin.post('/invoices', (req, res) => {
    const body = req.body as { invoices?: unknown; carriers?: unknown } | SimInvoiceInput;
    try {
      if (body && typeof body === 'object' && ('invoices' in body || 'carriers' in body)) {
        state.addDataset(body as { invoices?: SimInvoiceInput[] });
        res.status(201).json({ ok: true, invoices: state.invoiceCount() });
      } else {
        const added = state.addInvoices([body as SimInvoiceInput]);
        res.status(201).json({ ok: true, added: added.map((invoice) => invoice.invoiceNumber) });
      }
    } catch (error) {
      const message = error instanceof z.ZodError ? z.prettifyError(error) : (error as Error).message;
      res.status(400).json({ error: { code: 'sim.invalid_invoice', message } });
    }
  });
  admin.get('/invoices/:invoiceNumber', (req, res) => {
    const invoice = state.invoice(req.params.invoiceNumber);
    if (!invoice) res.status(404).json({ error: { code: 'sim.not_found', message: 'no such invoice' } });
    else res.json(invoice);
  });
  // A voided (or returned) invoice: what the merchant does after a refund, the platform then says 已作廢.
  admin.post('/invoices/:invoiceNumber/void', (req, res) => {
    const invoice = state.voidInvoice(req.params.invoiceNumber);
    if (!invoice) res.status(404).json({ error: { code: 'sim.not_found', message: 'no such invoice' } });
    else res.json({ ok: true, invoiceNumber: invoice.invoiceNumber, status: invoice.status });
  });
  admin.get('/clock', (_req, res) => {
    res.json({ now: state.now().toISOString() });
  });
  admin.post('/clock', (req, res) => {
    const parsed = clockSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: { code: 'sim.invalid_clock', message: z.prettifyError(parsed.error) } });
      return;
    }
    const body = parsed.data;
    const now =
      'now' in body
        ? state.setClock(body.now)
        : 'advanceHours' in body
          ? state.advanceHours(body.advanceHours)
          : state.setClock(undefined);
    res.json({ now: now.toISOString() });
  });
  admin.get('/requests', (_req, res) => {
    res.json({ counts: state.requestCounts(), recent: state.recentRequests() });
  });
  admin.delete('/requests', (_req, res) => {
    state.resetRequestCounts();
    res.json({ ok: true });
  });
  admin.get('/knobs', (_req, res) => {
    res.json(state.knobs());
  });
  admin.post('/knobs', (req, res) => {
    const parsed = knobsSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: { code: 'sim.invalid_knobs', message: z.prettifyError(parsed.error) } });
      return;
    }
    res.json(state.setKnobs(parsed.data));
  });
  admin.post('/reset', (_req, res) => {
    state.reset();
    res.json({ ok: true });
  });
  app.use('/__sim', admin);
  return app;
}

export type RunningMofSimulator = {
  url: string;
  port: number;
  state: MofSimState;
  /** In-process admin helpers (the same operations as the HTTP admin API under /__sim/). */
  admin: {
    addInvoices: (invoices: SimInvoiceInput[]) => void;
    /** Voids an invoice (`POST /__sim/invoices/:number/void`); false when there is no such invoice. */
    voidInvoice: (invoiceNumber: string) => boolean;
    setClock: (date: Date | string | undefined) => Date;
    advanceHours: (hours: number) => Date;
    requestCounts: MofSimState['requestCounts'];
    recentRequests: MofSimState['recentRequests'];
    resetRequestCounts: () => void;
    setKnobs: (knobs: Partial<SimKnobs>) => SimKnobs;
    reset: () => void;
  };
  close: () => Promise<void>;
};

/** Starts the simulated MoF platform on 127.0.0.1 (port 0: any free port). */
export async function startMofSimulator({
  port = 0,
  host = '127.0.0.1',
  dataset,
  clock,
  knobs,
  logger,
}: {
  port?: number;
  host?: string;
  dataset?: SimDataset;
  clock?: Clock;
  knobs?: Partial<SimKnobs>;
  logger?: Logger;
} = {}): Promise<RunningMofSimulator> {
  const state = createMofSimState({ dataset, clock, knobs });
  const app = createMofSimApp(state);
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(listening)));
    listening.once('error', reject);
  });
  // Idle connections outlive the adapter's (undici's fetch): a reused connection the server is closing
  // would fail with ECONNRESET (see bot/server.ts).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const address = server.address() as AddressInfo;
  const url = `http://${host}:${address.port}`;
  logger?.debug({ url, invoices: state.invoiceCount() }, 'MoF simulator listening');
  return {
    url,
    port: address.port,
    state,
    admin: {
      addInvoices: (invoices) => {
        state.addInvoices(invoices);
      },
      voidInvoice: (invoiceNumber) => state.voidInvoice(invoiceNumber) !== undefined,
      setClock: state.setClock,
      advanceHours: state.advanceHours,
      requestCounts: state.requestCounts,
      recentRequests: state.recentRequests,
      resetRequestCounts: state.resetRequestCounts,
      setKnobs: state.setKnobs,
      reset: state.reset,
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export { SimDatasetError };
