import { describe, expect, test } from '@jest/globals';
import { SYNTHETIC_PARTS, type SyntheticPart } from '../../bench/support/synthetic-parts.js';

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
