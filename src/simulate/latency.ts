// Decision latency as a mergeable histogram: log-spaced buckets (16 per doubling, so a
// percentile is within about 2% of the measured value), summed across batches and
// workers without keeping every sample.
const BUCKETS_PER_DOUBLING = 16;

/** bucket → count. */
export type LatencyHistogram = Map<number, number>;

export function recordLatency(histogram: LatencyHistogram, microseconds: number): void {
  const nanoseconds = Math.max(1, microseconds * 1000);
  const bucket = Math.floor(Math.log2(nanoseconds) * BUCKETS_PER_DOUBLING);
  histogram.set(bucket, (histogram.get(bucket) ?? 0) + 1);
}

export function mergeLatency(into: LatencyHistogram, from: LatencyHistogram): void {
  for (const [bucket, count] of from) into.set(bucket, (into.get(bucket) ?? 0) + count);
}

/** The p-quantile (0..1) in microseconds, at the middle of its bucket, to 0.1 µs; null when empty. */
export function latencyQuantile(histogram: LatencyHistogram, p: number): number | null {
  let total = 0;
  for (const count of histogram.values()) total += count;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket)!;
    if (seen >= rank) return Math.round(2 ** ((bucket + 0.5) / BUCKETS_PER_DOUBLING) / 100) / 10;
  }
  return null;
}
