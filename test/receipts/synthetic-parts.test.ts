import { describe, expect, test } from '@jest/globals';
import { SYNTHETIC_PARTS } from '../../bench/support/synthetic-parts.js';

describe('the made synthetic receipts: a tuning part and a check part (docs/decisions/007-receipt-reader-split.md)', () => {
  const { tuning, check } = SYNTHETIC_PARTS;

  test('when both parts are compared, then they share no seed, font, seller or store', () => {
    expect(tuning.seed).not.toBe(check.seed);
    const shared = <T>(a: T[], b: T[]) => a.filter((value) => b.includes(value));
    expect(shared(tuning.twFonts, check.twFonts)).toEqual([]);
    expect(shared(tuning.thFonts, check.thFonts)).toEqual([]);
    expect(
      shared(
        tuning.twSellers.map((seller) => seller.name),
        check.twSellers.map((seller) => seller.name),
      ),
    ).toEqual([]);
    expect(
      shared(
        tuning.thStores.map((store) => store.name),
        check.thStores.map((store) => store.name),
      ),
    ).toEqual([]);
  });

  test('when a TW seller of one part is a chain, then the other part prints another chain', () => {
    // The legal name without the branch: 萊爾富國際股份有限公司 of 萊爾富國際股份有限公司台南店.
    const company = (name: string) => name.replace(/(?<=公司).*$/, '');
    const checkCompanies = new Set(check.twSellers.map((seller) => company(seller.name)));
    expect(tuning.twSellers.filter((seller) => checkCompanies.has(company(seller.name)))).toEqual([]);
  });
});
