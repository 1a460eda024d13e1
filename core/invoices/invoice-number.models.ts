/** An e-invoice number: 2 uppercase letters (the track, 字軌) + 8 digits, printed `AB-12345678`. */
export const INVOICE_NUMBER_PATTERN = /^[A-Z]{2}\d{8}$/;

export function isValidInvoiceNumber(value: string): boolean {
  return INVOICE_NUMBER_PATTERN.test(value);
}

/** The 4-digit random code (隨機碼) printed on the proof. */
export function isValidRandomCode(value: string): boolean {
  return /^\d{4}$/.test(value);
}
