import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Preloaded into the API by the bench (`node --require dist/bench/loop-monitor.js`): samples
 * the event loop's delay every 10 ms and appends, every quarter second, one line
 * "<epoch ms> <longest delay of that quarter, ms>" to BENCH_LOOP_FILE, so the runner can read
 * how long the loop was blocked while a scenario ran. (A file, not a signal: the app's shutdown
 * hooks take SIGUSR2.)
 */
const file = process.env.BENCH_LOOP_FILE;
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  setInterval(() => {
    appendFileSync(file, `${Date.now()} ${(histogram.max / 1e6).toFixed(1)}\n`);
    histogram.reset();
  }, 250).unref();
}
