import { describe, expect, test } from '@jest/globals';
import {
  checkSeedOption,
  SYNTHETIC_PARTS,
  syntheticMadeFolder,
  type SyntheticPart,
} from '../../bench/support/synthetic-parts.js';

describe('the made synthetic receipts: a tuning part and a check part (docs/decisions/007-receipt-reader-split.md)', () => {
  const { tuning, check, wide } = SYNTHETIC_PARTS;
  const shared = <T>(a: T[], b: T[]) => a.filter((value) => b.includes(value));
  const sharedWithin = (a: SyntheticPart, b: SyntheticPart) => ({
    seed: a.seed === b.seed,
    twFonts: shared(a.twFonts, b.twFonts),
    thFonts: shared(a.thFonts, b.thFonts),
    twSellers: shared(
      a.twSellers.map((seller) => seller.name),
      b.twSellers.map((seller) => seller.name),
    ),
    thStores: shared(
      a.thStores.map((store) => store.name),
      b.thStores.map((store) => store.name),
    ),
  });
  const nothing = { seed: false, twFonts: [], thFonts: [], twSellers: [], thStores: [] };

  test('when both parts are compared, then they share no seed, font, seller or store', () => {
    expect(sharedWithin(tuning, check)).toEqual(nothing);
  });

  test('when the held-out tuning part is compared with either other part, then it shares no seed, font, seller or store', () => {
    expect(sharedWithin(wide, check)).toEqual(nothing);
    expect(sharedWithin(wide, tuning)).toEqual(nothing);
  });

  test('when a TW seller of one part is a chain, then the other parts print other chains', () => {
    // The legal name without the branch: 萊爾富國際股份有限公司 of 萊爾富國際股份有限公司台南店.
    const company = (name: string) => name.replace(/(?<=公司).*$/, '');
    const checkCompanies = new Set(check.twSellers.map((seller) => company(seller.name)));
    expect(tuning.twSellers.filter((seller) => checkCompanies.has(company(seller.name)))).toEqual([]);
    expect(wide.twSellers.filter((seller) => checkCompanies.has(company(seller.name)))).toEqual([]);
  });

  test('when a Thai store of the held-out part is compared with the check part, then no word of its name is one of theirs but a shop word', () => {
    // ท็อปส์ เดลี่ beside ท็อปส์ มาร์เก็ต would read the check part's chain word: a shop word alone
    // (ร้าน…, มินิมาร์ท) says what kind of shop, not which.
    const shopWords = /^(ร้าน|มินิมาร์ท|ซูเปอร์มาร์เก็ต|มาร์เก็ต|มาร์ท)/;
    const checkWords = new Set(check.thStores.flatMap((store) => store.name.split(' ')));
    const overlapping = wide.thStores
      .flatMap((store) => store.name.split(' '))
      .filter((word) => checkWords.has(word) && !shopWords.test(word));
    expect(overlapping).toEqual([]);
  });

  test('when a part names its fonts, then it names the Debian packages they come from', () => {
    for (const part of [tuning, check, wide]) expect(part.fontPackages.length).toBeGreaterThan(0);
  });
});

describe("the accuracy bench's --seed (review F5)", () => {
  test('when --seed is given without --part, or with --part check, then the bench refuses it', () => {
    expect(() => checkSeedOption('7', undefined)).toThrow(/--part tuning or --part wide/);
    expect(() => checkSeedOption('7', 'check')).toThrow(/--part tuning or --part wide/);
    expect(() => checkSeedOption(String(SYNTHETIC_PARTS.check.seed), 'tuning')).toThrow(/check part/);
  });

  test('when --seed is given with a tuning part, then it is accepted', () => {
    expect(() => checkSeedOption('7', 'tuning')).not.toThrow();
    expect(() => checkSeedOption('7', 'wide')).not.toThrow();
    expect(() => checkSeedOption(undefined, undefined)).not.toThrow();
  });

  test('when a seed is given, then the made folder names it whatever the count', () => {
    expect(syntheticMadeFolder('tuning', { tuningCount: 14, seed: '7' })).toBe('synthetic-tuning-14-s7');
    expect(syntheticMadeFolder('tuning', { tuningCount: 84, seed: '7' })).toBe('synthetic-tuning-84-s7');
    expect(syntheticMadeFolder('wide', { tuningCount: 84, seed: '7' })).toBe('synthetic-wide-84-s7');
  });

  test("when no seed is given, then the folders are the default parts' ones", () => {
    expect(syntheticMadeFolder('tuning', { tuningCount: 14 })).toBe('synthetic-tuning');
    expect(syntheticMadeFolder('tuning', { tuningCount: 84 })).toBe('synthetic-tuning-84');
    expect(syntheticMadeFolder('wide', { tuningCount: 28 })).toBe('synthetic-wide-28');
    expect(syntheticMadeFolder('check', { tuningCount: 84 })).toBe('synthetic-check');
  });
});
