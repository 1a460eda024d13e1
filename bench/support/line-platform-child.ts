/**
 * The LINE platform in a process of its own (`line-platform.ts`): the LINE simulator and the line-latency
 * bench's driver, answering the bench's requests over IPC. Prints nothing; says `{ url }` when listening.
 */
import { startLineSimulator } from '../../sim/line/index.js';
import { createLineDriver } from './line-driver.js';
import type { PlatformReply, PlatformRequest } from './line-platform.js';

const simulator = await startLineSimulator();
const driver = createLineDriver(simulator.url);
const reply = (message: PlatformReply) => process.send?.(message);

process.on('message', (request: PlatformRequest) => {
  const run = request.kind === 'burst' ? driver.burst(request.run) : driver.sequential(request.run);
  run.then(
    (result) => reply({ id: request.id, result }),
    (error: unknown) => reply({ id: request.id, error: (error as Error).message }),
  );
});
// The bench closed the channel (done, or it died): stop listening and exit.
process.on('disconnect', () => void simulator.close().finally(() => process.exit(0)));
reply({ url: simulator.url });
