// Preloaded into a benchmarked command (`node --import ./bench/rss-on-exit.mjs …`): prints
// the process's peak resident set size (all its threads) on stderr as it exits.
process.on('exit', () => process.stderr.write(`\nmaxrss-kb ${process.resourceUsage().maxRSS}\n`));
