/** A rectangle in image pixels: left, top, right, bottom. */
export type OcrBox = { x0: number; y0: number; x1: number; y1: number };

export type OcrWord = {
  text: string;
  /** 0..1 */
  confidence: number;
  box: OcrBox;
  /**
   * 0..1, the probability of the least sure letter read (PaddleOCR's recogniser gives each letter its
   * own; a misread letter is a near coin toss). Absent when the engine gives none (tesseract, Vision).
   */
  leastLetter?: number;
};

/** One printed row of the receipt, words left to right. */
export type OcrLine = {
  text: string;
  /** 0..1, the mean of its words. */
  confidence: number;
  box: OcrBox;
  words: OcrWord[];
};

export type OcrLanguage = 'eng' | 'tha' | 'chi_tra';

export type OcrResult = {
  engine: OcrEngineName;
  /** The lines joined by newlines. */
  text: string;
  lines: OcrLine[];
  /** 0..1, mean word confidence. */
  confidence: number;
  width: number;
  height: number;
  durationMs: number;
};

export type OcrRequest = {
  /** An image the engine can read (JPEG or PNG); callers normalise orientation and size first. */
  image: Buffer;
  /** Scripts expected on the receipt; engines use them as hints. @default ['eng', 'tha', 'chi_tra'] */
  languages?: OcrLanguage[];
  /** The image is one cropped row of text (a second look at a doubtful line). @default false */
  singleLine?: boolean;
  /**
   * `block`: read the page as one block of text, without layout analysis (which can drop a receipt's
   * price column as non-text); `column`: the image is one column of text of rows of varying size (a receipt's
   * amount column cut from the page). Engines without layout modes ignore it. @default 'auto'
   */
  layout?: 'auto' | 'block' | 'column';
};

export type OcrEngineName = 'tesseract' | 'google-vision' | 'paddle';

/**
 * Reads the text of a photo. Per-image failures (unreadable image, vendor error for that image) come back
 * as an `OcrReadError`; only infrastructure failures (engine down) throw.
 */
export type OcrEngine = {
  name: OcrEngineName;
  recognize: (request: OcrRequest) => Promise<OcrResult>;
  /**
   * Another engine the receipt reader may ask to read the page again while fields stay doubtful (one
   * engine errs where another does not; decision 008). Never asked about a page it read itself.
   */
  secondOpinion?: OcrEngine;
  /**
   * Which engine reads a request expecting these scripts (an engine routing by script answers per
   * request); the reader prepares the page at that engine's size (`OCR_PAGE_LONG_SIDE`). @default name
   */
  readerOf?: (languages: OcrLanguage[] | undefined) => OcrEngineName;
  /** Frees workers and connections. */
  close: () => Promise<void>;
};
