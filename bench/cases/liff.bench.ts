import { openPhoneBrowser } from '../../test/browser/support/chromium.js';
import { startLiffStack } from '../../test/browser/support/liff-stack.js';
import { round, type BenchCase, type BenchMeasurement } from '../bench.types.js';

const RUNS = 5;

/**
 * Time to first render of the LIFF home page on the local server, in the system Chromium: from
 * navigation to the home page's content in place (LIFF mock init, dev ID token, /api/liff/me, render),
 * against the baseline of loading a static page from the same server. Reported, not asserted.
 */
const liffBench: BenchCase = {
  name: 'LIFF app: time to first render of the home page',
  issue: 7,
  run: async () => {
    const stack = await startLiffStack();
    const browser = await openPhoneBrowser();
    try {
      const page = await browser.context.newPage();
      const renders: number[] = [];
      const paints: number[] = [];
      const baselines: number[] = [];
      for (let i = 0; i <= RUNS; i++) {
        const user = 'U' + i.toString(16).padStart(32, 'c');
        const started = Date.now();
        await page.goto(`${stack.url}/liff/?lang=zh-TW&mockUser=${user}`);
        await page.waitForSelector('[data-page="home"]');
        const elapsed = Date.now() - started;
        const fcp = await page.evaluate(
          () =>
            (
              globalThis as unknown as {
                performance: { getEntriesByName: (n: string) => { startTime: number }[] };
              }
            ).performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0,
        );
        const baselineStart = Date.now();
        await page.goto(`${stack.url}/healthz`);
        const baseline = Date.now() - baselineStart;
        if (i === 0) continue; // warm-up
        renders.push(elapsed);
        paints.push(fcp);
        baselines.push(baseline);
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      const measurements: BenchMeasurement[] = [
        {
          metric: `home page content rendered (median of ${RUNS}, new member each run)`,
          unit: 'ms',
          value: round(median(renders)),
          baseline: { name: 'GET /healthz page load', value: round(median(baselines)) },
          ratio: round(median(renders) / median(baselines)),
        },
        { metric: 'first contentful paint (skeleton)', unit: 'ms', value: round(median(paints)) },
      ];
      return measurements;
    } finally {
      await browser.close();
      await stack.close();
    }
  },
};

export default liffBench;
