import type { SimulatorStarter } from '../index.js';
import { loadDemoDataset } from './mof-sim.dataset.js';
import { startMofSimulator } from './mof-sim.server.js';

export {
  DEMO_DATASET_FILE,
  SimDatasetError,
  loadDemoDataset,
  loadSimDataset,
  parseSimDataset,
  type SimCarrier,
  type SimDataset,
  type SimDatasetInput,
  type SimInvoice,
  type SimInvoiceInput,
} from './mof-sim.dataset.js';
export {
  DEFAULT_SIM_KNOBS,
  createMofSimState,
  type MofSimState,
  type SimKnobs,
  type SimRequestCounts,
} from './mof-sim.state.js';
export { createMofSimApp, startMofSimulator, type RunningMofSimulator } from './mof-sim.server.js';

/**
 * Local mode: without MoF credentials (and without MOF_API_BASE_URL pointing elsewhere), run the
 * simulator with the demo data set and point the real adapter at it.
 */
export const startMofSimulatorForLocalMode: SimulatorStarter = async ({ config, logger }) => {
  if (config.mof.mode !== 'simulator' || config.mof.apiBaseUrl) return undefined;
  const simulator = await startMofSimulator({ dataset: loadDemoDataset(), logger });
  return {
    name: 'mof',
    describe: [`MoF e-invoice simulator: ${simulator.url} (admin: ${simulator.url}/__sim/health)`],
    applyTo: (current) => ({ ...current, mof: { ...current.mof, apiBaseUrl: simulator.url } }),
    close: simulator.close,
  };
};
