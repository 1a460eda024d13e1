/** A mobile barcode carrier (手機條碼): `/` + 7 characters of 0-9, A-Z, `.`, `+`, `-`. */
export const CARRIER_BARCODE_PATTERN = /^\/[0-9A-Z.+-]{7}$/;
/** The MoF platform's carrier card type for a mobile barcode. */
export const MOBILE_BARCODE_CARD_TYPE = '3J0002';

export function isValidCarrierBarcode(value: string): boolean {
  return CARRIER_BARCODE_PATTERN.test(value);
}

/**
 * The verification code (驗證碼) the carrier's owner set: 4–16 letters or digits (the MoF registration
 * form's limit). Only the platform can tell whether it is right.
 */
export function isValidCarrierVerificationCode(value: string): boolean {
  return /^[0-9A-Za-z]{4,16}$/.test(value);
}
