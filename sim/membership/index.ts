import type { SimulatorStarter } from '../index.js';
import { startMembershipSimulator } from './membership-sim.server.js';

export {
  DEMO_MEMBERSHIPS,
  startMembershipSimulator,
  type RunningMembershipSimulator,
  type SimMembership,
} from './membership-sim.server.js';

/** Local mode: without MEMBERSHIP_API_BASE_URL, run the simulated brand membership system. */
export const startMembershipSimulatorForLocalMode: SimulatorStarter = async ({ config }) => {
  if (config.membership.mode !== 'simulator' || config.membership.apiBaseUrl) return undefined;
  const simulator = await startMembershipSimulator({ apiKey: config.membership.apiKey });
  return {
    name: 'membership',
    describe: [
      `Membership system simulator: ${simulator.url} (demo members: demo-tea M0001234 / 0912345678, demo-th M0005678 / 081-234-5678)`,
    ],
    applyTo: (current) => ({ ...current, membership: { ...current.membership, apiBaseUrl: simulator.url } }),
    close: simulator.close,
  };
};
