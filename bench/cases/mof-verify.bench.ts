import { createMofEInvoicePlatform } from '../../core/verification/index.js';
import { startMofSimulator, type SimInvoiceInput } from '../../sim/mof/index.js';
import { compare, timeIt, type BenchCase } from '../bench.types.js';

const INVOICES = 1_000;
const ROUNDS = 3;
const CONCURRENCY = 8;

function invoiceNumber(i: number) {
  return `BV${String(10_000_000 + i).slice(-8)}`;
}

function demoInvoices(): SimInvoiceInput[] {
  return Array.from({ length: INVOICES }, (_, i) => ({
    invoiceNumber: invoiceNumber(i),
    invoiceDate: '2024-11-05',
    randomCode: String(i % 10_000).padStart(4, '0'),
    sellerBan: '24789457',
    sellerName: '基準測試商店',
    totalAmount: 120,
    items: [
      { name: '烏龍綠茶', quantity: 2, unitPrice: 35 },
      { name: '茶葉蛋', quantity: 5, unitPrice: 10 },
    ],
  }));
}

async function inParallel(count: number, task: (index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/**
 * The MoF client's own cost: detail queries through the adapter (form encoding, rate limiter, time-out,
 * answer mapping) against bare HTTP POSTs of the same form to the same simulator, at zero latency and
 * the same concurrency.
 */
const mofVerifyBench: BenchCase = {
  name: 'MoF client: detail queries/s through the adapter vs bare HTTP POSTs to sim/mof',
  issue: 3,
  run: async () => {
    const sim = await startMofSimulator({
      dataset: { invoices: [], carriers: [] },
      knobs: { detailQueryCap: 1_000_000 },
    });
    try {
      sim.admin.addInvoices(demoInvoices());
      const platform = createMofEInvoicePlatform({
        baseUrl: sim.url,
        appId: 'BENCH',
        versions: { header: '0.5', detail: '0.6', carrier: '0.6' },
        timeoutMs: 10_000,
        maxRetries: 0,
        rateLimitPerSecond: 1_000_000,
      });
      const url = `${sim.url}/PB2CAPIVAN/invapp/InvApp`;
      const form = (i: number) =>
        new URLSearchParams({
          version: '0.6',
          type: 'Barcode',
          invNum: invoiceNumber(i),
          invTerm: '11312',
          invDate: '2024/11/05',
          randomNumber: String(i % 10_000).padStart(4, '0'),
          generation: 'V2',
          UUID: 'bench',
          action: 'qryInvDetail',
          appID: 'BENCH',
        }).toString();

      const bare = async (i: number) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form(i),
        });
        const answer = (await response.json()) as { code?: string };
        if (answer.code !== '200') throw new Error(`baseline: code ${answer.code}`);
      };
      const client = async (i: number) => {
        const result = await platform.getInvoiceDetail({
          invoiceNumber: invoiceNumber(i),
          invoiceDate: '2024-11-05',
          randomCode: String(i % 10_000).padStart(4, '0'),
          period: '11312',
          type: 'Barcode',
        });
        if (result.status !== 'found') throw new Error(`client: ${result.status}`);
      };

      // Warm both paths (JIT, keep-alive sockets) before measuring.
      await inParallel(200, bare);
      await inParallel(200, client);
      // Alternate rounds and keep each side's median, so a burst of load on a shared machine does not
      // land on one side only.
      const baselineRounds: number[] = [];
      const subjectRounds: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        baselineRounds.push(await timeIt(() => inParallel(INVOICES, bare)));
        subjectRounds.push(await timeIt(() => inParallel(INVOICES, client)));
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      const baselineMs = median(baselineRounds);
      const subjectMs = median(subjectRounds);
      const perSecond = (ms: number) => (INVOICES / ms) * 1000;

      return [
        compare(
          `detail queries/s, ${INVOICES} invoices × ${ROUNDS} rounds (median), concurrency ${CONCURRENCY}`,
          'queries/s',
          perSecond(subjectMs),
          { name: 'bare fetch POSTs of the same form', value: perSecond(baselineMs) },
          'ratio < 1: the share of the bare throughput the client keeps',
        ),
      ];
    } finally {
      await sim.close();
    }
  },
};

export default mofVerifyBench;
