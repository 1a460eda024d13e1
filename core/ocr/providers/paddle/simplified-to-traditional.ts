import { createRequire } from 'node:module';
import type * as OpenCCModule from 'opencc-js/cn2t';

/**
 * Characters OpenCC converts that Taiwan also prints as they are (台北, 公里, 皇后, 麵/面 …): a receipt
 * read with one of these must keep it.
 */
const SHARED_CHARACTERS = new Set([...'台里干后面松系只才余范周于志制咸准冲征谷丑卷几借仆舍斗困凶症吁']);

let convert: ((text: string) => string) | undefined;

/**
 * OpenCC's dictionaries (~1.6 MB of source text, ~3 MB of an idle server's RSS) load with the first
 * Chinese text a receipt photo gives, not with the server (docs/decisions/012). Its CommonJS build, so
 * that `toTraditional` stays synchronous.
 */
const loadOpenCC = (): typeof OpenCCModule =>
  createRequire(import.meta.url)('opencc-js/cn2t') as typeof OpenCCModule;

/**
 * Maps simplified characters to traditional ones, one character at a time (no phrase rewriting, so
 * what the receipt printed is never reworded): PaddleOCR's Chinese model answers 莱 for 萊 on a
 * Taiwanese receipt, and store names and item keywords are matched in traditional characters.
 * Taiwan's forms (OpenCC `tw`), not OpenCC's own traditional ones (`t`), which turn characters Taiwan
 * prints as they are into forms it never prints: 吃 → 喫 (金滿福小吃店 read as 小喫店), 群 → 羣, 峰 → 峯.
 */
export function toTraditional(text: string): string {
  if (!/[\u3400-\u9fff]/.test(text)) return text;
  const toTraditionalChar = (convert ??= loadOpenCC().Converter({ from: 'cn', to: 'tw' }));
  let out = '';
  for (const char of text)
    out += SHARED_CHARACTERS.has(char) || !/[\u3400-\u9fff]/.test(char) ? char : toTraditionalChar(char);
  return out;
}
