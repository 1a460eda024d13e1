export { AREAS, COUNTRIES } from './regions.data.js';
export {
  REGION_CODES,
  areaName,
  getRegion,
  getRegionOrThrow,
  groupRegionsByArea,
  isCountry,
  isRegionCode,
  listRegions,
  regionName,
  type Area,
  type Country,
  type Region,
  type RegionCode,
  type RegionKind,
} from './regions.models.js';
export {
  recognizeRegion,
  type RecognitionBasis,
  type RecognitionRule,
  type RecognizeRegionOptions,
  type RegionRecognition,
} from './regions.recognition.js';
export { countrySchema, regionCodeSchema } from './regions.schemas.js';
export { createUnknownCountryError, createUnknownRegionError } from './regions.errors.js';
