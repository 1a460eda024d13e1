import { describe, expect, test } from '@jest/globals';
import { renderAnswer } from '../../core/messaging/providers/line-flex.answer-renderer.js';

describe('the greeting explains only the proofs the running campaign accepts', () => {
  const render = (locale: 'en' | 'th' | 'zh-TW', proofKinds?: string[]) =>
    JSON.stringify(
      renderAnswer(
        { kind: 'greeting', name: 'Alice', campaignName: 'Songkran', ...(proofKinds ? { proofKinds } : {}) },
        { locale, liffId: undefined, timezone: 'Asia/Bangkok' },
      ),
    );

  test('a receipt-photo campaign (the Thai demo) asks for a photo and never for an e-invoice', () => {
    const thai = render('th', ['receipt']);

    expect(thai).toContain('ถ่ายรูปใบเสร็จทั้งใบแล้วส่งมา');
    expect(thai).not.toContain('ใบกำกับภาษีอิเล็กทรอนิกส์');
    expect(thai).not.toContain('QR code');
  });

  test('an e-invoice campaign lists typed, QR and carrier proofs, and a photo when paper invoices count', () => {
    const taiwan = render('zh-TW', ['einvoice_text', 'einvoice_qr', 'einvoice_carrier', 'paper_invoice']);

    expect(taiwan).toContain('電子發票：輸入');
    expect(taiwan).toContain('QR Code：');
    expect(taiwan).toContain('手機條碼載具');
    expect(taiwan).toContain('收據：拍下整張收據');
  });

  test('without a running campaign every way is listed', () => {
    expect(render('en')).toContain('or send a photo of the receipt');
  });
});
