import type { SimulatorStarter } from '../index.js';
import { startLineSimulator } from './line-simulator.js';

export {
  createLineSimulatorApp,
  renderChatPage,
  startLineSimulator,
  SIM_REPLY_TOKEN_TTL_MS,
  type LineSimulator,
} from './line-simulator.js';
export {
  createSimulatorState,
  DEFAULT_SIM_USERS,
  type SimChannel,
  type SimTimelineEntry,
  type SimUser,
  type SimulatorState,
} from './line-simulator.state.js';
export { sendWebhook, signWebhookBody } from './webhook-sender.js';

/**
 * Local mode: without LINE credentials (and no LINE_API_BASE_URL pointing elsewhere), run the LINE
 * simulator and point the @line/bot-sdk clients at it (both the API and the data host).
 */
export const startLineSimulatorForLocalMode: SimulatorStarter = async ({ config }) => {
  if (config.line.mode !== 'simulator' || config.line.apiBaseUrl) return undefined;
  const simulator = await startLineSimulator();
  return {
    name: 'line',
    describe: [
      config.localMode
        ? `LINE simulator: ${simulator.url} (chat page: /dev/chat on the web server; admin: ${simulator.url}/__sim/messages)`
        : `LINE simulator: ${simulator.url} (admin: ${simulator.url}/__sim/messages; this machine only)`,
    ],
    applyTo: (current) => ({
      ...current,
      line: {
        ...current.line,
        apiBaseUrl: simulator.url,
        dataApiBaseUrl: current.line.dataApiBaseUrl ?? simulator.url,
      },
    }),
    close: simulator.close,
  };
};
