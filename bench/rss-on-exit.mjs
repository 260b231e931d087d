// Preloaded into a benchmarked command (`node --import ./bench/rss-on-exit.mjs …`): prints
// the process's peak resident set size and its CPU time (user + system, all its threads,
// worker threads included) on stderr as it exits.
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\nmaxrss-kb ${usage.maxRSS}\ncpu-us ${usage.userCPUTime + usage.systemCPUTime}\n`);
});
