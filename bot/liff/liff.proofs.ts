import express, { Router } from 'express';
import { z } from 'zod';
import { localDateOf } from '../../core/campaigns/index.js';
import { describeReason } from '../../core/i18n/index.js';
import { proofQuestionForm } from '../../core/invoices/index.js';
import { createMemberNotRegisteredError } from '../../core/members/members.errors.js';
import { createErrorFactory, createValidationError } from '../../core/shared/errors.js';
import type { ProofInput, SubmitProofResult } from '../../core/submissions/index.js';
import { getLiffContext } from './liff.auth.js';

/** Submits a proof for the authenticated member (the submissions capability's `submitProof`). */
export type LiffProofSubmitter = (command: {
  brandId: string;
  memberId: string;
  channel: 'liff';
  sourceRef: string;
  input: ProofInput;
}) => Promise<SubmitProofResult>;

/** Stores and reads a receipt photo (the receipts capability's `ingestReceiptImage`). */
export type LiffReceiptIngester = (input: {
  brandId: string;
  memberId: string;
  bytes: Buffer;
  contentType: string | undefined;
  capturedAt: Date | undefined;
  location: { latitude: number; longitude: number } | undefined;
  sourceRef: string;
}) => Promise<{ receiptImageId: string }>;

export const createIdempotencyKeyRequiredError = createErrorFactory({
  message: 'Send an Idempotency-Key header (one per proof sent)',
  code: 'request.idempotency_key_required',
  statusCode: 400,
});

export const createProofChannelUnavailableError = createErrorFactory({
  message: 'Submitting this kind of proof from the LIFF app is not available on this installation',
  code: 'liff.proof_channel_unavailable',
  statusCode: 503,
});

const typedInvoiceSchema = z.union([
  z.object({
    invoiceNumber: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2}-?\d{8}$/),
    date: z.iso.date(),
    randomCode: z
      .string()
      .trim()
      .regex(/^\d{4}$/),
  }),
  /** A scanned QR code's text, or what the member pasted. */
  z.object({ text: z.string().trim().min(1).max(2000) }),
]);

const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/**
 * The request's idempotency key: a retried tap (or a flaky network resending) finds the first
 * submission instead of making a second. Scoped by member so one member cannot collide with another.
 */
function sourceRefOf(req: express.Request, memberId: string): string {
  const key = req.header('idempotency-key');
  if (!key || !/^[A-Za-z0-9_-]{8,64}$/.test(key)) throw createIdempotencyKeyRequiredError();
  return `liff:${memberId}:${key}`;
}

function presentResult(
  result: SubmitProofResult,
  locale: Parameters<typeof describeReason>[0],
  today: string,
) {
  const submission = result.submission;
  return {
    outcome: result.outcome,
    submission: submission
      ? {
          id: submission.id,
          state: submission.state,
          reason: submission.reasonCode ? describeReason(locale, submission.reasonCode) : null,
        }
      : null,
    errors: result.errors ?? [],
    rewards: result.rewards?.granted
      ? {
          points: result.rewards.granted.pointsEarned,
          entries: result.rewards.granted.entriesAdded,
          instantPlayId: result.rewards.granted.instantPlayId ?? null,
        }
      : null,
    nextCheckAt: result.nextCheckAt ?? null,
    // Part of a proof (a barcode, a right QR code, a photo's printed number and code): what to ask for.
    question: result.partial ? (proofQuestionForm(result.partial, today) ?? null) : null,
  };
}

/** Proof submission from the LIFF app: a typed or scanned e-invoice, or a receipt photo. */
export function createLiffProofRouter({
  submitProof,
  ingestReceiptImage,
  now = () => new Date(),
}: {
  submitProof?: LiffProofSubmitter;
  ingestReceiptImage?: LiffReceiptIngester;
  /** The clock: which days a question about part of a proof may offer. @default the system clock */
  now?: () => Date;
}): Router {
  const router = Router();

  router.post('/submissions', async (req, res) => {
    const { brand, member } = getLiffContext(res);
    // Proofs are personal data processed under the member's consent: registration comes first.
    if (!member.registeredAt) throw createMemberNotRegisteredError();
    if (!submitProof) throw createProofChannelUnavailableError();
    const sourceRef = sourceRefOf(req, member.id);
    const body = typedInvoiceSchema.parse(req.body);
    const text =
      'text' in body
        ? body.text
        : `${body.invoiceNumber.replace('-', '').toUpperCase()} ${body.date} ${body.randomCode}`;
    const result = await submitProof({
      brandId: brand.id,
      memberId: member.id,
      channel: 'liff',
      sourceRef,
      input: { type: 'text', text },
    });
    res
      .status(result.submission ? 201 : 200)
      .json(presentResult(result, member.locale, localDateOf(now(), brand.timezone)));
  });

  router.post(
    '/receipts',
    express.raw({ type: ['image/jpeg', 'image/png', 'image/webp', 'image/heic'], limit: MAX_PHOTO_BYTES }),
    async (req, res) => {
      const { brand, member } = getLiffContext(res);
      if (!member.registeredAt) throw createMemberNotRegisteredError();
      if (!submitProof || !ingestReceiptImage) throw createProofChannelUnavailableError();
      const sourceRef = sourceRefOf(req, member.id);
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
        throw createValidationError({
          message: 'Send the photo as the request body (image/jpeg, png, webp or heic)',
        });
      }
      const capturedAtHeader = req.header('x-captured-at');
      const capturedAt = capturedAtHeader ? new Date(capturedAtHeader) : undefined;
      const latitude = Number(req.header('x-latitude'));
      const longitude = Number(req.header('x-longitude'));
      const location =
        req.header('x-latitude') &&
        Number.isFinite(latitude) &&
        Number.isFinite(longitude) &&
        Math.abs(latitude) <= 90 &&
        Math.abs(longitude) <= 180
          ? { latitude, longitude }
          : undefined;
      const { receiptImageId } = await ingestReceiptImage({
        brandId: brand.id,
        memberId: member.id,
        bytes: req.body,
        contentType: req.header('content-type'),
        capturedAt: capturedAt && !Number.isNaN(capturedAt.getTime()) ? capturedAt : undefined,
        location,
        sourceRef,
      });
      const result = await submitProof({
        brandId: brand.id,
        memberId: member.id,
        channel: 'liff',
        sourceRef,
        input: { type: 'receipt_image', receiptImageId },
      });
      res.status(201).json(presentResult(result, member.locale, localDateOf(now(), brand.timezone)));
    },
  );

  return router;
}
