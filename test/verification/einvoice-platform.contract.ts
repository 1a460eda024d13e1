import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { EInvoicePlatform } from '../../core/verification/index.js';

/**
 * What every EInvoicePlatform adapter must do, whoever serves it (the simulator, or the real platform
 * when credentials and a known invoice are available). The subject names the data it can rely on.
 */
export type EInvoicePlatformContractSubject = {
  platform: EInvoicePlatform;
  /** An invoice the platform holds, with what its proof carries. */
  known: {
    invoiceNumber: string;
    invoiceDate: string;
    randomCode: string;
    period: string;
    sellerBan: string;
    encrypt: string;
    itemCount: number;
    totalAmount: number;
  };
  /** An invoice the platform does not hold. */
  unknown: { invoiceNumber: string; invoiceDate: string; period: string };
  carrier: {
    cardNo: string;
    cardEncrypt: string;
    dateFrom: string;
    dateTo: string;
    /** Invoices of the carrier in [dateFrom, dateTo]. */
    invoiceCount: number;
    /** One of them. */
    invoice: { invoiceNumber: string; invoiceDate: string; itemCount: number };
  };
  close: () => Promise<void>;
};

export function runEInvoicePlatformContract(
  name: string,
  makeSubject: () => Promise<EInvoicePlatformContractSubject>,
) {
  describe(`EInvoicePlatform contract: ${name}`, () => {
    let subject: EInvoicePlatformContractSubject;
    beforeAll(async () => {
      subject = await makeSubject();
    });
    afterAll(async () => {
      await subject?.close();
    });

    test('the header of a known invoice is found, at header level', async () => {
      const { known, platform } = subject;

      const result = await platform.getInvoiceHeader({ ...known, type: 'Barcode' });

      expect(result.status).toBe('found');
      if (result.status !== 'found') return;
      expect(result.invoice).toMatchObject({
        invoiceNumber: known.invoiceNumber,
        invoiceDate: known.invoiceDate,
        sellerBan: known.sellerBan,
        period: known.period,
        level: 'header',
        items: [],
      });
      expect(result.invoice.raw).toEqual(expect.objectContaining({ code: '200' }));
    });

    test('the header of an unknown invoice is not found, with the platform code and message', async () => {
      const result = await subject.platform.getInvoiceHeader({ ...subject.unknown, type: 'Barcode' });

      expect(result).toEqual({ status: 'not_found', code: expect.any(String), message: expect.any(String) });
    });

    test.each(['Barcode', 'QRCode'] as const)(
      'the detail of a known invoice by %s carries its items and total',
      async (type) => {
        const { known, platform } = subject;

        const result = await platform.getInvoiceDetail({ ...known, type });

        expect(result.status).toBe('found');
        if (result.status !== 'found') return;
        expect(result.invoice.level).toBe('detail');
        expect(result.invoice.items).toHaveLength(known.itemCount);
        expect(result.invoice.totalAmount).toBe(known.totalAmount);
        for (const item of result.invoice.items) {
          expect(typeof item.quantity).toBe('number');
          expect(typeof item.amount).toBe('number');
          expect(item.name.length).toBeGreaterThan(0);
        }
      },
    );

    test('a wrong random code gets the header without items: random_code_mismatch', async () => {
      const { known, platform } = subject;
      const wrong = known.randomCode === '0000' ? '0001' : '0000';

      const result = await platform.getInvoiceDetail({ ...known, randomCode: wrong, type: 'Barcode' });

      expect(result.status).toBe('random_code_mismatch');
      if (result.status === 'random_code_mismatch') {
        expect(result.invoice.invoiceNumber).toBe(known.invoiceNumber);
        expect(result.invoice.items).toEqual([]);
      }
    });

    test('the detail of an unknown invoice is not found', async () => {
      const result = await subject.platform.getInvoiceDetail({
        ...subject.unknown,
        randomCode: '1234',
        type: 'Barcode',
      });

      expect(result.status).toBe('not_found');
    });

    test('the carrier list has every invoice of the range, at header level', async () => {
      const { carrier, platform } = subject;

      const result = await platform.listCarrierInvoices(carrier);

      expect(result.status).toBe('found');
      if (result.status !== 'found') return;
      expect(result.invoices).toHaveLength(carrier.invoiceCount);
      expect(result.invoices.map((invoice) => invoice.invoiceNumber)).toContain(
        carrier.invoice.invoiceNumber,
      );
      for (const invoice of result.invoices) {
        expect(invoice.invoiceDate >= carrier.dateFrom && invoice.invoiceDate <= carrier.dateTo).toBe(true);
        expect(invoice.level).toBe('header');
      }
    });

    test('a wrong carrier verification code is carrier_rejected', async () => {
      const { carrier, platform } = subject;

      const result = await platform.listCarrierInvoices({
        ...carrier,
        cardEncrypt: `${carrier.cardEncrypt}x`,
      });

      expect(result.status).toBe('carrier_rejected');
    });

    test('the carrier invoice detail carries its items', async () => {
      const { carrier, platform } = subject;

      const result = await platform.getCarrierInvoiceDetail({ ...carrier, ...carrier.invoice });

      expect(result.status).toBe('found');
      if (result.status === 'found') expect(result.invoice.items).toHaveLength(carrier.invoice.itemCount);
    });

    test('the carrier detail of an invoice the carrier does not hold is not found', async () => {
      const { carrier, platform, unknown } = subject;

      const result = await platform.getCarrierInvoiceDetail({ ...carrier, ...unknown });

      expect(result.status).toBe('not_found');
    });
  });
}
