import { z } from 'zod';

/**
 * Taiwan's rules for prize winnings (機會中獎所得), in minor units (NT$ × 100):
 * - a prize worth more than NT$1,000 is reported on the brand's withholding statement, so the winner's
 *   name, ID number and address are needed;
 * - a single prize above NT$20,000 is withheld at 10 % (residents) or 20 % (non-residents), and the
 *   2.11 % supplementary NHI premium (二代健保補充保費) is withheld from a single prize of NT$20,000 or more
 *   (that rule says "reaches", the withholding rule says "exceeds").
 * Amounts are rounded to whole dollars, half up, as the statements are filed in whole NT$.
 */
export const TAX_PAPERWORK_ABOVE_MINOR = 1_000_00;
export const WITHHOLDING_ABOVE_MINOR = 20_000_00;
export const HEALTH_PREMIUM_FROM_MINOR = 20_000_00;
/** Rates in basis points (1 % = 100). */
export const RESIDENT_WITHHOLDING_BP = 1_000;
export const NON_RESIDENT_WITHHOLDING_BP = 2_000;
export const HEALTH_PREMIUM_BP = 211;

/** Whether a prize needs the winner's tax paperwork: Taiwan-dollar prizes worth more than NT$1,000. */
export function needsTaxPaperwork({
  currency,
  valueMinor,
}: {
  currency: string;
  valueMinor: number | null | undefined;
}): boolean {
  return currency === 'TWD' && typeof valueMinor === 'number' && valueMinor > TAX_PAPERWORK_ABOVE_MINOR;
}

const wholeDollarsOf = (valueMinor: number, basisPoints: number) =>
  Math.round((valueMinor * basisPoints) / 1_000_000) * 100;

export type PrizeTax = {
  /** 1000 or 2000 basis points when withholding applies, else 0. */
  withholdingBp: number;
  withholdingMinor: number;
  healthPremiumBp: number;
  healthPremiumMinor: number;
  /** What the winner receives in cash terms after both (or what they pay the brand for a prize in kind). */
  netMinor: number;
};

/** The withholding and the supplementary premium on one prize (pure; see the rules above). */
export function computePrizeTax({
  valueMinor,
  resident,
}: {
  valueMinor: number;
  resident: boolean;
}): PrizeTax {
  const withholdingBp =
    valueMinor > WITHHOLDING_ABOVE_MINOR
      ? resident
        ? RESIDENT_WITHHOLDING_BP
        : NON_RESIDENT_WITHHOLDING_BP
      : 0;
  const healthPremiumBp = valueMinor >= HEALTH_PREMIUM_FROM_MINOR ? HEALTH_PREMIUM_BP : 0;
  const withholdingMinor = wholeDollarsOf(valueMinor, withholdingBp);
  const healthPremiumMinor = wholeDollarsOf(valueMinor, healthPremiumBp);
  return {
    withholdingBp,
    withholdingMinor,
    healthPremiumBp,
    healthPremiumMinor,
    netMinor: valueMinor - withholdingMinor - healthPremiumMinor,
  };
}

/**
 * What a winner gives for the tax return. Residents give a national ID or resident certificate number
 * (a letter, then 1/2 or 8/9 or A–D, then 8 digits); non-residents a passport or resident certificate number.
 */
export const winnerTaxDataSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(100),
    idNumber: z
      .string()
      .trim()
      .toUpperCase()
      .min(1, 'is required')
      .max(20)
      .regex(/^[A-Z0-9]+$/, 'letters and digits only'),
    address: z.string().trim().min(5, 'is too short for an address').max(200),
    resident: z.boolean(),
  })
  .strict()
  .superRefine((data, context) => {
    if (data.resident && !/^[A-Z][1289A-D]\d{8}$/.test(data.idNumber))
      context.addIssue({
        code: 'custom',
        path: ['idNumber'],
        message: 'is not a Taiwan ID or resident certificate number',
      });
  });

export type WinnerTaxData = z.infer<typeof winnerTaxDataSchema>;
