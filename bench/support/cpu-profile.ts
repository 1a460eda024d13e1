import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

/**
 * The inspector's sampling profiler on this process while it runs (a bench's probe, never the application's):
 * `stopTo(file)` writes the `.cpuprofile` for a part of a bench only, where `node --cpu-prof` would take the
 * whole run.
 */
export async function startCpuProfile(intervalMicros = 200) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalMicros });
  await session.post('Profiler.start');
  return {
    stopTo: async (file: string) => {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      await writeFile(file, JSON.stringify(profile));
    },
  };
}
