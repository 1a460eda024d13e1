import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import { QUEUE_NAMES, readProofDecisionCounts, readQueueStats } from './metrics.queries.js';

/**
 * The numbers an operator watches, in Prometheus text format (`GET /metrics`). One registry per process
 * (no module-level state: tests build their own). Counters of work this process did (webhook events,
 * MoF and LINE calls, OCR time) live in memory; queue depths and proof decisions are read from the
 * database at scrape time, so every process reports the same, whichever did the work.
 */
export type Metrics = {
  registry: Registry;
  webhookEventsReceived: Counter<'outcome'>;
  webhookAckSeconds: Histogram;
  mofRequests: Counter<'result'>;
  ocrSeconds: Histogram<'engine'>;
  lineApiRequests: Counter<'endpoint' | 'status'>;
};

export function createMetrics({
  database,
  clock,
  processMetrics = true,
}: {
  /** Queue depths and decisions are read from here at scrape time; without it they are not reported. */
  database?: Database;
  clock?: Clock;
  /** Node process metrics (CPU, memory, event loop lag, GC). @default true */
  processMetrics?: boolean;
}): Metrics {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry, prefix: 'proofline_' });
  const metrics: Metrics = {
    registry,
    webhookEventsReceived: new Counter({
      name: 'proofline_webhook_events_received_total',
      help: 'LINE webhook events received in signed deliveries (outcome: stored, duplicate, parked).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    webhookAckSeconds: new Histogram({
      name: 'proofline_webhook_ack_seconds',
      help: 'Time from a webhook request to its answer (events committed).',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: [registry],
    }),
    mofRequests: new Counter({
      name: 'proofline_mof_requests_total',
      help: 'Calls to the MoF e-invoice platform by result (found, not_found, …, error).',
      labelNames: ['result'],
      registers: [registry],
    }),
    ocrSeconds: new Histogram({
      name: 'proofline_ocr_seconds',
      help: 'Time of one OCR recognition.',
      labelNames: ['engine'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32],
      registers: [registry],
    }),
    lineApiRequests: new Counter({
      name: 'proofline_line_api_requests_total',
      help: 'Calls to the LINE Messaging API by endpoint and HTTP status (or "error").',
      labelNames: ['endpoint', 'status'],
      registers: [registry],
    }),
  };
  if (database) registerDatabaseMetrics({ registry, database, clock });
  return metrics;
}

function registerDatabaseMetrics({
  registry,
  database,
  clock,
}: {
  registry: Registry;
  database: Database;
  clock?: Clock;
}) {
  // One read per scrape, shared by the two queue gauges.
  let pending: Promise<Awaited<ReturnType<typeof readQueueStats>>> | undefined;
  const stats = () => {
    pending ??= readQueueStats(database, (clock?.now() ?? new Date()).toISOString()).finally(() =>
      setImmediate(() => (pending = undefined)),
    );
    return pending;
  };
  new Gauge({
    name: 'proofline_queue_depth',
    help: 'Items waiting in a work queue (events, outbound, verification, blob_deletions).',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      const rows = await stats();
      for (const queue of QUEUE_NAMES) this.set({ queue }, rows[queue].depth);
    },
  });
  new Gauge({
    name: 'proofline_queue_oldest_age_seconds',
    help: 'How long the oldest item that is due has been waiting, per queue (0 when none is due).',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      const rows = await stats();
      for (const queue of QUEUE_NAMES) this.set({ queue }, rows[queue].oldestAgeSeconds);
    },
  });
  new Counter({
    name: 'proofline_proof_decisions_total',
    help: 'Proofs decided, by kind (einvoice, receipt, …) and outcome (accepted, rejected, rewarded).',
    labelNames: ['kind', 'outcome'],
    registers: [registry],
    async collect() {
      const rows = await readProofDecisionCounts(database);
      this.reset();
      for (const row of rows) this.inc({ kind: row.kind, outcome: row.outcome }, row.count);
    },
  });
}
