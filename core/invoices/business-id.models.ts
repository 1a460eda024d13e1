/**
 * Taiwan business ID (統一編號, BAN) checksum. Weights 1,2,1,2,1,2,4,1; each product contributes the sum of
 * its digits. Valid when the sum is divisible by 5 — the current rule (MoF widened the divisor from 10 as
 * the number space ran out; every ID valid under 10 stays valid under 5). When the 7th digit is 7
 * its product 28 counts as 1 or 0, so sum + 1 divisible by 5 is valid too.
 */
const BAN_WEIGHTS = [1, 2, 1, 2, 1, 2, 4, 1] as const;
export const BAN_DIVISOR = 5;

export function isBanFormat(value: string): boolean {
  return /^\d{8}$/.test(value);
}

/** True when `value` is 8 digits and passes the current checksum rule. */
export function isValidBusinessId(value: string): boolean {
  if (!isBanFormat(value)) return false;
  let sum = 0;
  for (let index = 0; index < 8; index++) {
    const product = Number(value[index]) * (BAN_WEIGHTS[index] as number);
    sum += Math.floor(product / 10) + (product % 10);
  }
  if (sum % BAN_DIVISOR === 0) return true;
  return value[6] === '7' && (sum + 1) % BAN_DIVISOR === 0;
}
