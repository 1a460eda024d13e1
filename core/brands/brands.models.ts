import type { brands } from './brands.table.js';

export type BrandCountry = (typeof brands.$inferSelect)['country'];
export type BrandCurrency = 'TWD' | 'THB';

/** The currency a brand's amounts are in: New Taiwan dollars in Taiwan, baht in Thailand. */
export function currencyOfCountry(country: BrandCountry): BrandCurrency {
  return country === 'TH' ? 'THB' : 'TWD';
}
