import { readFileSync } from 'node:fs';
import {
  isRightQrPayload,
  looksLikeLeftQr,
  parseEInvoiceQr,
  parseProofText,
  type ParseIssue,
  type ProofTextResult,
} from '../../core/invoices/index.js';
import type { Command } from './command.js';

const HELP = `Usage:
  proofline invoice parse <text-or-left-QR> [right-QR]
      Parses an e-invoice proof: a left QR payload (optionally with the right one, in either order),
      the 19-character barcode with a date, or typed text such as "AB12345678 1131105 1234" (quoted or
      not). Prints the parsed invoice as JSON and exits 0; prints {"errors": [...]} and exits 1.
      A mobile barcode carrier ("/ABC+123 <verification code>") prints {"carrier": {...}}.
  proofline invoice parse --bytes <left-file> [right-file]
      The same for raw scanner bytes (so Big5 item names decode by the payload's own flag).
  proofline invoice verify …
      Asks the configured MoF e-invoice platform (see \`proofline invoice verify --help\`).`;

export const invoiceCommand: Command = {
  name: 'invoice',
  usage: 'invoice parse|verify',
  summary: 'Parse Taiwan e-invoice proofs (QR, barcode, typed text); verify them with the MoF platform.',
  help: HELP,
  run: async (argv) => {
    const [sub, ...rest] = argv;
    if (sub === 'parse') return runInvoiceParse(rest);
    // Loaded on demand: verifying pulls in the platform adapter and the simulator.
    if (sub === 'verify') return (await import('./invoice-verify.js')).runInvoiceVerify(rest);
    console.error(HELP);
    return 2;
  },
};

/** `proofline invoice parse …`: resolves with the exit code (0 parsed, 1 not a valid proof, 2 usage). */
export function runInvoiceParse(argv: string[]): number {
  if (argv.length === 0) {
    console.error(HELP);
    return 2;
  }
  if (argv[0] === '--bytes') {
    const files = argv.slice(1);
    if (files.length < 1 || files.length > 2) {
      console.error('proofline invoice parse --bytes: give one or two files (left QR, right QR)');
      return 2;
    }
    let payloads: Buffer[];
    try {
      payloads = files.map((file) => readFileSync(file));
    } catch (error) {
      console.error(`proofline invoice parse: ${(error as Error).message}`);
      return 2;
    }
    const result = parseEInvoiceQr(payloads[0]!, payloads[1]);
    return print(
      result.ok
        ? { kind: 'einvoice', invoice: result.invoice, warnings: result.warnings }
        : { kind: 'invalid', errors: result.errors },
    );
  }
  return print(parseArguments(argv));
}

/**
 * Two arguments where one is a QR payload are a QR pair; anything else is one text (so unquoted typed
 * text, `AB12345678 1131105 1234`, works as three arguments).
 */
function parseArguments(argv: string[]): ProofTextResult {
  const [first, second] = argv as [string, string | undefined];
  const isQr = (value: string) => looksLikeLeftQr(value) || isRightQrPayload(value);
  if (argv.length === 2 && second !== undefined && (isQr(first) || isQr(second))) {
    const result = parseEInvoiceQr(first, second);
    return result.ok
      ? { kind: 'einvoice', invoice: result.invoice, warnings: result.warnings }
      : { kind: 'invalid', errors: result.errors };
  }
  return parseProofText(argv.join(' '));
}

function print(result: ProofTextResult): number {
  switch (result.kind) {
    case 'einvoice':
      for (const warning of result.warnings)
        console.error(`proofline invoice parse: warning: ${describe(warning)}`);
      console.log(JSON.stringify(result.invoice, null, 2));
      return 0;
    case 'carrier':
      console.log(JSON.stringify({ carrier: result.carrier }, null, 2));
      return 0;
    case 'invalid':
      console.log(JSON.stringify({ errors: result.errors }, null, 2));
      console.error(`proofline invoice parse: ${result.errors.map(describe).join('; ')}`);
      return 1;
    case 'not_a_proof':
      console.log(JSON.stringify({ errors: [{ field: 'text', reason: 'text.not_a_proof' }] }, null, 2));
      console.error('proofline invoice parse: this does not look like an e-invoice proof or a carrier');
      return 1;
  }
}

function describe(issue: ParseIssue): string {
  return `${issue.field}: ${issue.reason}`;
}
