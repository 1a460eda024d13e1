export { changesOf, isKnownTimeZone, maskSecret, webhookUrlOf } from './settings.models.js';
export {
  createChannelManagedByEnvError,
  createChannelNotFoundError,
  createChannelTakenError,
  createLineRefusedError,
  createPlanOfAnotherCountryError,
  createUnknownTimeZoneError,
} from './settings.errors.js';
export {
  addBrandChannel,
  channelViewOf,
  getBrandSettings,
  setupChannelRichMenu,
  testChannelCredentials,
  updateBrandChannel,
  updateBrandProfile,
  updateBroadcastSettings,
  type BrandProfile,
  type BroadcastSettingsView,
  type ChannelInput,
  type ChannelView,
  type SettingsActor,
  type SettingsDeps,
} from './settings.usecases.js';
