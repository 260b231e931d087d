// Preloaded into a benchmarked command (`node --import ./bench/rss-on-exit.mjs …`): prints
// the process's peak resident set size and its CPU time (user + system, all its threads,
// worker threads included) on stderr as it exits. Node preloads it into worker threads
// too; only the main thread reports, once, when the whole process ends (a worker's exit
// would print the peak so far).
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    process.stderr.write(`\nmaxrss-kb ${usage.maxRSS}\ncpu-us ${usage.userCPUTime + usage.systemCPUTime}\n`);
  });
}
