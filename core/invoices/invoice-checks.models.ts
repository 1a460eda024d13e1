import { isBanFormat, isValidBusinessId } from './business-id.models.js';
import { isDateInPeriod, isValidInvoiceDate } from './invoice-dates.models.js';
import { isValidInvoiceNumber, isValidRandomCode } from './invoice-number.models.js';
import type { ParsedInvoice, ParseIssue } from './invoices.types.js';

/**
 * Re-checks an invoice against the rules its fields must obey: number format, a real date inside the
 * period, a 4-digit random code, amounts that are non-negative integers, business IDs of 8 digits that
 * pass the checksum. Returns the issues (empty when all hold). The parsers only yield invoices whose
 * issues here are at most the BAN checksum warnings they also report.
 */
export function checkParsedInvoice(invoice: ParsedInvoice): ParseIssue[] {
  const issues: ParseIssue[] = [];
  if (!isValidInvoiceNumber(invoice.invoiceNumber))
    issues.push({ field: 'invoiceNumber', reason: 'invoice_number.invalid' });
  if (!isValidInvoiceDate(invoice.invoiceDate))
    issues.push({ field: 'invoiceDate', reason: 'invoice_date.invalid' });
  else if (!isDateInPeriod(invoice.invoiceDate, invoice.period))
    issues.push({ field: 'invoiceDate', reason: 'invoice_date.outside_period' });
  if (invoice.randomCode !== null && !isValidRandomCode(invoice.randomCode))
    issues.push({ field: 'randomCode', reason: 'random_code.invalid' });
  if (!isAmount(invoice.salesAmount)) issues.push({ field: 'salesAmount', reason: 'sales_amount.invalid' });
  if (!isAmount(invoice.totalAmount)) issues.push({ field: 'totalAmount', reason: 'total_amount.invalid' });
  checkBan(invoice.buyerBan, 'buyerBan', issues);
  checkBan(invoice.sellerBan, 'sellerBan', issues);
  if (invoice.encrypt !== null && !/^[A-Za-z0-9+/=]{24}$/.test(invoice.encrypt))
    issues.push({ field: 'encrypt', reason: 'encrypt.invalid' });
  if (invoice.items.some((item) => !Number.isFinite(item.quantity) || !Number.isFinite(item.unitPrice)))
    issues.push({ field: 'items', reason: 'items.malformed' });
  return issues;
}

function isAmount(value: number | null): boolean {
  return value === null || (Number.isSafeInteger(value) && value >= 0);
}

function checkBan(value: string | null, field: 'buyerBan' | 'sellerBan', issues: ParseIssue[]) {
  if (value === null) return;
  if (!isBanFormat(value))
    issues.push({ field, reason: field === 'buyerBan' ? 'buyer_ban.invalid' : 'seller_ban.invalid' });
  else if (!isValidBusinessId(value))
    issues.push({ field, reason: field === 'buyerBan' ? 'buyer_ban.checksum' : 'seller_ban.checksum' });
}
