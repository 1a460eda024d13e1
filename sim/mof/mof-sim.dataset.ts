import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../../core/shared/paths.js';

/**
 * The simulator's data set: the invoices the "platform" knows, and the mobile barcode carriers with
 * their verification codes. Amounts are TWD as numbers here; the simulator answers with strings, as
 * the real API does.
 */

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be an ISO date yyyy-mm-dd' })
  .refine((value) => new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), {
    message: 'is not a calendar date',
  });

export const simItemSchema = z
  .object({
    name: z.string().min(1),
    quantity: z.number(),
    unitPrice: z.number(),
    /** Defaults to quantity × unitPrice (discount rows set it, e.g. -35). */
    amount: z.number().optional(),
  })
  .transform((item) => ({
    ...item,
    amount: item.amount ?? Math.round(item.quantity * item.unitPrice * 100) / 100,
  }));

export const simInvoiceSchema = z.strictObject({
  invoiceNumber: z.string().regex(/^[A-Z]{2}\d{8}$/, { message: 'must look like AB12345678' }),
  invoiceDate: isoDate,
  invoiceTime: z
    .string()
    .regex(/^\d{2}:\d{2}:\d{2}$/)
    .default('12:00:00'),
  randomCode: z.string().regex(/^\d{4}$/),
  sellerBan: z.string().regex(/^\d{8}$/),
  sellerName: z.string(),
  sellerAddress: z.string().default(''),
  buyerBan: z
    .string()
    .regex(/^\d{8}$/)
    .nullable()
    .default(null),
  status: z.enum(['valid', 'voided']).default('valid'),
  /** '' is what the platform sends for TWD. */
  currency: z.string().default(''),
  totalAmount: z.number(),
  /** The left QR's 24-character verification field; when set, QRCode detail queries must match it. */
  encrypt: z.string().length(24).optional(),
  /** The invoice answers "not found" until issue time + this many hours (merchant upload delay). */
  uploadedAfterHours: z.number().min(0).default(0),
  /** Mobile barcode the invoice was stored on, if any. */
  carrierCardNo: z
    .string()
    .regex(/^\/[0-9A-Z.+-]{7}$/)
    .optional(),
  items: z.array(simItemSchema).default([]),
});

export const simCarrierSchema = z.object({
  cardNo: z.string().regex(/^\/[0-9A-Z.+-]{7}$/, { message: 'must be a mobile barcode like /ABC+123' }),
  cardEncrypt: z.string().min(1),
});

export const simDatasetSchema = z
  .object({
    invoices: z.array(simInvoiceSchema).default([]),
    carriers: z.array(simCarrierSchema).default([]),
  })
  .strict();

export type SimInvoiceInput = z.input<typeof simInvoiceSchema>;
export type SimInvoice = z.output<typeof simInvoiceSchema>;
export type SimCarrier = z.output<typeof simCarrierSchema>;
export type SimDatasetInput = z.input<typeof simDatasetSchema>;
export type SimDataset = z.output<typeof simDatasetSchema>;

export class SimDatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimDatasetError';
  }
}

export function parseSimDataset(input: unknown, source = 'data set'): SimDataset {
  const result = simDatasetSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new SimDatasetError(`${source}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'is invalid'}`);
  }
  return result.data;
}

export function loadSimDataset(file: string): SimDataset {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SimDatasetError(`${file}: ${(error as Error).message}`);
  }
  return parseSimDataset(json, file);
}

/** The demo data set committed beside the simulator (a few shops, Chinese item names, one voided, one B2B). */
export const DEMO_DATASET_FILE = join(projectRoot, 'sim', 'mof', 'demo-dataset.json');

export function loadDemoDataset(): SimDataset {
  return loadSimDataset(DEMO_DATASET_FILE);
}
