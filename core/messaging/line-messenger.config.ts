import type { Config } from '../config/config.js';
import type { LineMessenger } from './messaging.types.js';
import { createLineSdkMessenger } from './providers/line-sdk.line-messenger.js';

/** The LINE Messaging API adapter for this config: LINE itself, a proxy or the simulator (by base URL). */
export function buildLineMessenger(config: Pick<Config, 'line'>): LineMessenger {
  const { apiBaseUrl, dataApiBaseUrl, mode } = config.line;
  return createLineSdkMessenger({
    apiBaseUrl,
    // The simulator serves both hosts; a proxy for one host says nothing about the other.
    dataApiBaseUrl: dataApiBaseUrl ?? (mode === 'simulator' ? apiBaseUrl : undefined),
  });
}
