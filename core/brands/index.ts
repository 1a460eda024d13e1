export { brands, lineChannels } from './brands.table.js';
export {
  createBrandsRepository,
  type Brand,
  type BrandsRepository,
  type LineChannel,
  type NewBrand,
  type NewLineChannel,
} from './brands.repository.js';
export { CHANNEL_CACHE_TTL_MS, createChannelCache, type ChannelCache } from './channels.cache.js';
export { currencyOfCountry, type BrandCountry, type BrandCurrency } from './brands.models.js';
export { createBrandNotFoundError, findFirstLineChannel, getBrandByRefOrThrow } from './brands.refs.js';
