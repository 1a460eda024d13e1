import { parseArgs } from 'node:util';
import type { Config } from '../../core/config/config.js';
import {
  isRightQrPayload,
  looksLikeLeftQr,
  parseEInvoiceQr,
  parseProofText,
  type ParsedInvoice,
  type ParseIssue,
  type ProofTextResult,
} from '../../core/invoices/index.js';
import { isAppError } from '../../core/shared/errors.js';
import { createSilentLogger } from '../../core/shared/logger.js';
import {
  buildEInvoicePlatform,
  type EInvoicePlatform,
  type InvoiceCodeType,
} from '../../core/verification/index.js';
import { startMofSimulatorForLocalMode } from '../../sim/mof/index.js';
import { loadConfigOrReport } from './shared.js';

export const INVOICE_VERIFY_USAGE =
  'invoice verify <text-or-left-QR> [right-QR] [--type barcode|qrcode] [--header]';

export const INVOICE_VERIFY_HELP = [
  'Asks the MoF e-invoice platform (or, without MoF credentials, the simulator started in-process with',
  'its demo data set) about an invoice, and prints the answer as JSON. Exit code 0 when found, 1 otherwise.',
  '  --type barcode|qrcode   query type (default: qrcode when the input is a QR with its verification field)',
  '  --header                header query only (proves the invoice exists, not that the sender holds it)',
  'A mobile barcode carrier with its verification code (`/ABC+123 1234 2024-11-01 2024-11-30`) lists its invoices.',
].join('\n');

function parseInput(positionals: string[]): ProofTextResult {
  const [first, second] = positionals;
  if (positionals.length === 2 && first && second && (isRightQrPayload(second) || isRightQrPayload(first))) {
    const result = parseEInvoiceQr(first, second);
    return result.ok
      ? { kind: 'einvoice', invoice: result.invoice, warnings: result.warnings }
      : { kind: 'invalid', errors: result.errors };
  }
  if (positionals.length === 1 && first && looksLikeLeftQr(first)) {
    const result = parseEInvoiceQr(first);
    return result.ok
      ? { kind: 'einvoice', invoice: result.invoice, warnings: result.warnings }
      : { kind: 'invalid', errors: result.errors };
  }
  return parseProofText(positionals.join(' '));
}

function isoDaysBefore(isoDate: string, days: number) {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

function print(value: unknown) {
  console.log(JSON.stringify(value, null, 2));
}

async function ask(
  platform: EInvoicePlatform,
  proof: Extract<ProofTextResult, { kind: 'einvoice' | 'carrier' }>,
  options: { type?: InvoiceCodeType; headerOnly: boolean },
): Promise<number> {
  if (proof.kind === 'carrier') {
    const today = new Date().toISOString().slice(0, 10);
    const dateTo = proof.carrier.dateTo ?? today;
    const dateFrom = proof.carrier.dateFrom ?? isoDaysBefore(dateTo, 30);
    const result = await platform.listCarrierInvoices({
      cardNo: proof.carrier.barcode,
      cardEncrypt: proof.carrier.verificationCode,
      dateFrom,
      dateTo,
    });
    print({ query: { action: 'carrierInvChk', cardNo: proof.carrier.barcode, dateFrom, dateTo }, result });
    return result.status === 'found' ? 0 : 1;
  }

  const invoice: ParsedInvoice = proof.invoice;
  const type: InvoiceCodeType = options.type ?? (invoice.encrypt && invoice.sellerBan ? 'QRCode' : 'Barcode');
  if (options.headerOnly || invoice.randomCode === null) {
    const result = await platform.getInvoiceHeader({
      invoiceNumber: invoice.invoiceNumber,
      invoiceDate: invoice.invoiceDate,
      type,
    });
    print({ parsed: invoice, query: { action: 'qryInvHeader', type }, result });
    return result.status === 'found' ? 0 : 1;
  }
  if (type === 'QRCode' && (!invoice.encrypt || !invoice.sellerBan)) {
    console.error(
      'proofline invoice verify: --type qrcode needs a QR code (its verification field and seller)',
    );
    return 2;
  }
  const result = await platform.getInvoiceDetail({
    invoiceNumber: invoice.invoiceNumber,
    invoiceDate: invoice.invoiceDate,
    randomCode: invoice.randomCode,
    period: invoice.period,
    type,
    encrypt: invoice.encrypt ?? undefined,
    sellerBan: invoice.sellerBan ?? undefined,
  });
  print({ parsed: invoice, warnings: proof.warnings, query: { action: 'qryInvDetail', type }, result });
  return result.status === 'found' ? 0 : 1;
}

/**
 * `proofline invoice verify …`: parse the proof, ask the configured platform, print JSON. Resolves with
 * the exit code: 0 found, 1 not found / mismatch / error, 2 usage.
 */
export async function runInvoiceVerify(
  argv: string[],
  { env = process.env }: { env?: Record<string, string | undefined> } = {},
): Promise<number> {
  let parsedArgs;
  try {
    parsedArgs = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { type: { type: 'string' }, header: { type: 'boolean', default: false } },
    });
  } catch (error) {
    console.error(`proofline invoice verify: ${(error as Error).message}`);
    return 2;
  }
  const { values, positionals } = parsedArgs;
  if (positionals.length === 0) {
    console.error(`Usage: proofline ${INVOICE_VERIFY_USAGE}`);
    return 2;
  }
  const typeOption = values.type?.toLowerCase();
  if (typeOption !== undefined && typeOption !== 'barcode' && typeOption !== 'qrcode') {
    console.error('proofline invoice verify: --type must be barcode or qrcode');
    return 2;
  }

  const proof = parseInput(positionals);
  if (proof.kind === 'not_a_proof' || proof.kind === 'invalid') {
    const errors: ParseIssue[] =
      proof.kind === 'invalid' ? proof.errors : [{ field: 'text', reason: 'invoice_number.missing' }];
    print({ ok: false, errors });
    return 1;
  }

  const loaded = loadConfigOrReport(env);
  if (!loaded) return 1;
  let config: Config = loaded;
  const simulator = await startMofSimulatorForLocalMode({ config, logger: createSilentLogger() });
  if (simulator) config = simulator.applyTo(config);
  try {
    const platform = buildEInvoicePlatform(config);
    return await ask(platform, proof, {
      type: typeOption === undefined ? undefined : typeOption === 'qrcode' ? 'QRCode' : 'Barcode',
      headerOnly: values.header,
    });
  } catch (error) {
    if (isAppError(error)) {
      console.error(
        JSON.stringify({ error: { code: error.code, message: error.message, details: error.details } }),
      );
      return 1;
    }
    throw error;
  } finally {
    await simulator?.close();
  }
}
