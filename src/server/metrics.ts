// Prometheus metrics for GET /metrics (docs/runtime-api.md#metrics-get-metrics), in a registry per server instance so
// several servers in one process (tests) do not share counters. Label values come only
// from route patterns and from names the active bundle declares, never from raw input,
// so a hostile client cannot grow the number of series.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServerMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  requestDuration: Histogram<'route'>;
  decisions: Counter<'channel' | 'interaction_point'>;
  offersReturned: Counter<'channel'>;
  events: Counter<'channel' | 'event'>;
  historyRowsWritten: Counter<'event'>;
  sessions: Gauge;
  sessionsRefused: Counter;
  bundleInfo: Gauge<'digest'>;
  bundleSwaps: Counter<'via'>;
  bundlesRefused: Counter<'via'>;
}

/**
 * Records one answered request. Label children are looked up once per (method, route,
 * status) and cached: prom-client's labelled inc/observe hashes the label object on every
 * call, which shows in the per-request cost.
 */
export function requestRecorder(metrics: ServerMetrics): (method: string, route: string, status: number, seconds: number) => void {
  const counters = new Map<string, ReturnType<ServerMetrics['requests']['labels']>>();
  const histograms = new Map<string, ReturnType<ServerMetrics['requestDuration']['labels']>>();
  return (method, route, status, seconds) => {
    const key = `${method} ${route} ${status}`;
    let counter = counters.get(key);
    if (!counter) {
      counter = metrics.requests.labels({ method, route, status: String(status) });
      counters.set(key, counter);
    }
    counter.inc();
    let histogram = histograms.get(route);
    if (!histogram) {
      histogram = metrics.requestDuration.labels({ route });
      histograms.set(route, histogram);
    }
    histogram.observe(seconds);
  };
}

export function createMetrics(options: { defaultMetrics?: boolean; sessionCount?: () => Promise<number> } = {}): ServerMetrics {
  const sessionCount = options.sessionCount;
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'offerops_' });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({ name: 'offerops_http_requests_total', help: 'HTTP requests answered, by route pattern and status code', labelNames: ['method', 'route', 'status'], registers }),
    requestDuration: new Histogram({
      name: 'offerops_http_request_duration_seconds',
      help: 'Time from request received to response sent, by route pattern',
      labelNames: ['route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    decisions: new Counter({ name: 'offerops_decisions_total', help: 'Decisions made, by channel and interaction point', labelNames: ['channel', 'interaction_point'], registers }),
    offersReturned: new Counter({ name: 'offerops_offers_returned_total', help: 'Offers returned in decisions, by channel', labelNames: ['channel'], registers }),
    events: new Counter({ name: 'offerops_events_total', help: 'Events accepted, by channel and event name', labelNames: ['channel', 'event'], registers }),
    historyRowsWritten: new Counter({ name: 'offerops_history_rows_written_total', help: 'History rows durably written, by event (contact, accept, reject)', labelNames: ['event'], registers }),
    // 'max' when cluster workers' metrics are aggregated: each reports the same store.
    sessions: new Gauge({
      name: 'offerops_sessions',
      help: 'Live sessions in the session store',
      registers,
      aggregator: 'max',
      // Read from the store whenever metrics are gathered (this server's or a cluster's).
      async collect() {
        if (!sessionCount) return;
        try {
          this.set(await sessionCount());
        } catch {
          // The store is away: /healthz says so; the gauge keeps its last value.
        }
      },
    }),
    sessionsRefused: new Counter({ name: 'offerops_sessions_refused_total', help: 'Sessions refused because the session limit was reached', registers }),
    bundleInfo: new Gauge({ name: 'offerops_bundle_info', help: 'The active bundle: 1 for its digest', labelNames: ['digest'], registers, aggregator: 'max' }),
    bundleSwaps: new Counter({ name: 'offerops_bundle_swaps_total', help: 'Bundles swapped in, by how they arrived (admin, watch)', labelNames: ['via'], registers }),
    bundlesRefused: new Counter({ name: 'offerops_bundles_refused_total', help: 'Bundles refused (corrupt, tampered, unknown format), by how they arrived', labelNames: ['via'], registers }),
  };
}
