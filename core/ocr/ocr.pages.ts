import type { OcrEngineName } from './ocr.types.js';

/**
 * The long side (px) of the page an engine reads, for engines that read a page of one size whatever the
 * photo: PaddleOCR's detection time grows with the pixel count, so the page is prepared at this size in
 * one resize (a receipt scan 463 px wide is not first enlarged to tesseract's 1,600-px-wide page and then
 * shrunk again). Engines not listed read the reader's default page (`prepareForOcr`).
 */
export const OCR_PAGE_LONG_SIDE: Partial<Record<OcrEngineName, number>> = { paddle: 1600 };
