import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchCase, BenchMeasurement } from './bench.types.js';

/**
 * `npm run bench [-- filter]`: runs every `bench/cases/*.bench.ts` (or those whose file name contains the
 * filter) and prints each measurement with its baseline and ratio. `--json` prints JSON instead.
 */
async function main(argv: string[]) {
  const json = argv.includes('--json');
  const filters = argv.filter((arg) => !arg.startsWith('--'));
  const casesDir = join(dirname(fileURLToPath(import.meta.url)), 'cases');
  const files = readdirSync(casesDir)
    .filter((file) => file.endsWith('.bench.ts'))
    .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
    .sort();

  const report: { case: string; measurements: BenchMeasurement[]; error?: string }[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(casesDir, file)).href)) as { default: BenchCase };
    const benchCase = module.default;
    if (!json) console.log(`\n## ${benchCase.name}${benchCase.issue ? ` (issue ${benchCase.issue})` : ''}`);
    try {
      const measurements = await benchCase.run();
      report.push({ case: benchCase.name, measurements });
      if (!json) printTable(measurements);
    } catch (error) {
      report.push({ case: benchCase.name, measurements: [], error: (error as Error).message });
      if (!json) console.log(`  failed: ${(error as Error).message}`);
      process.exitCode = 1;
    }
  }
  if (json) console.log(JSON.stringify(report, null, 2));
}

function printTable(measurements: BenchMeasurement[]) {
  for (const m of measurements) {
    const baseline = m.baseline
      ? `  vs ${m.baseline.name}: ${m.baseline.value} ${m.unit}  ratio ${m.ratio}`
      : '';
    console.log(`  ${m.metric}: ${m.value} ${m.unit}${baseline}${m.note ? `  (${m.note})` : ''}`);
  }
}

await main(process.argv.slice(2));
