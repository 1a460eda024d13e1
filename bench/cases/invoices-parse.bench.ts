import { parseEInvoiceQr, parseProofText } from '../../core/invoices/index.js';
import { compare, medianMs, type BenchCase } from '../bench.types.js';
import { generateEInvoicePayloads } from '../support/einvoice-payloads.js';

/** How many proofs each measurement parses (`BENCH_INVOICES=10000 npm run bench -- invoices` for a quick run). */
const COUNT = Number(process.env.BENCH_INVOICES ?? 100_000);

export { createEInvoicePayloadGenerator, generateEInvoicePayloads } from '../support/einvoice-payloads.js';

/**
 * The e-invoice parsers' own cost, against the cheapest thing that touches the same data in the same
 * run: `JSON.parse` of the equivalent invoice objects (for QR payloads) and a bare regex scan for the
 * invoice number, date and random code (for typed text). The rules engine adds "parse + rules" on top
 * of the same generator (bench/support/einvoice-payloads.ts).
 */
const invoicesParseBench: BenchCase = {
  name: 'e-invoice parsers: QR pairs and typed text',
  issue: 3,
  run: async () => {
    const payloads = generateEInvoicePayloads(COUNT, 2026);
    const json = payloads.map((payload) => JSON.stringify(payload.invoice));
    const texts = payloads.map((payload) => payload.typedText);
    let sink = 0;

    const jsonMs = await medianMs(() => {
      for (const text of json) sink += (JSON.parse(text) as { items: unknown[] }).items.length;
    }, 3);
    const qrMs = await medianMs(() => {
      for (const payload of payloads) {
        const result = parseEInvoiceQr(payload.qrLeft, payload.qrRight);
        if (result.ok) sink += result.invoice.items.length;
      }
    }, 3);
    const pastedMs = await medianMs(() => {
      for (const payload of payloads) {
        if (parseProofText(`${payload.qrLeft}\n${payload.qrRight}`).kind === 'einvoice') sink++;
      }
    }, 3);

    const scan = /([A-Za-z]{2})-?(\d{8})|(\d{2,4})[/年.-](\d{1,2})[/月.-](\d{1,2})|\d{7}|\d{4}/g;
    const scanMs = await medianMs(() => {
      for (const text of texts) sink += text.normalize('NFKC').match(scan)?.length ?? 0;
    }, 3);
    const typedMs = await medianMs(() => {
      for (const text of texts) if (parseProofText(text).kind === 'einvoice') sink++;
    }, 3);

    if (sink === 0) throw new Error('nothing was parsed');
    const perSecond = (ms: number) => Math.round((COUNT / ms) * 1000);
    return [
      compare(
        `parseEInvoiceQr, ${COUNT} left+right pairs`,
        'ms',
        qrMs,
        {
          name: `JSON.parse of ${COUNT} equivalent invoices`,
          value: jsonMs,
        },
        `${perSecond(qrMs)} pairs/s`,
      ),
      compare(
        `parseProofText, ${COUNT} pasted QR pairs`,
        'ms',
        pastedMs,
        {
          name: `JSON.parse of ${COUNT} equivalent invoices`,
          value: jsonMs,
        },
        `${perSecond(pastedMs)} texts/s`,
      ),
      compare(
        `parseProofText, ${COUNT} typed texts`,
        'ms',
        typedMs,
        {
          name: `NFKC + one regex scan of ${COUNT} texts`,
          value: scanMs,
        },
        `${perSecond(typedMs)} texts/s`,
      ),
    ];
  },
};

export default invoicesParseBench;
