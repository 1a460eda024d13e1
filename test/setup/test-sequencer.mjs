// Plain ESM on purpose (jest loads the sequencer outside its module mapper).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import jestSequencer from '@jest/test-sequencer';

const Sequencer = jestSequencer.default ?? jestSequencer;
const durationsFile = new URL('./test-durations.json', import.meta.url);

/**
 * jest's own order, with a fallback for what its cache does not know. jest runs the files it has timed
 * longest first, so that no worker starts a long file while the other is nearly done; a file it has not
 * timed goes by its size. A clean clone (CI's first stage) has no timings at all, and the order by size
 * started the slowest files (small files that spawn processes or browsers) last, leaving one worker alone
 * for minutes at the end. Files jest has not timed here take their time from test-durations.json (seconds,
 * one run of the suite in band, `npm test -- --maxWorkers=1 --json --outputFile=<file>` then
 * `node test/setup/test-durations.mjs <file>`); a file in neither takes the median of that table.
 */
export default class DurationsSequencer extends Sequencer {
  #durations = JSON.parse(readFileSync(durationsFile, 'utf8'));
  #median = median(Object.values(this.#durations));

  time(test) {
    const cached = super.time(test);
    if (cached != null) return cached;
    const seconds = this.#durations[relative(test.context.config.rootDir, test.path)] ?? this.#median;
    return seconds * 1000;
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)];
}
