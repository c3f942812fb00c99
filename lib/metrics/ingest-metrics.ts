import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

type ProcessMetrics = {
  registry: Registry;
  ingestRecords: Counter<"type">;
  ingestRequests: Histogram<"route" | "status">;
};

// One set per process, kept on globalThis: Next.js bundles each route separately, so a module-level
// singleton would give the ingest route and the metrics route two different counters.
const globalForMetrics = globalThis as unknown as { custodianProcessMetrics?: ProcessMetrics };

/** What only this process sees (ingest traffic, Node's own figures): counted in memory, per instance. */
export function processMetrics(): ProcessMetrics {
  if (globalForMetrics.custodianProcessMetrics) return globalForMetrics.custodianProcessMetrics;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics: ProcessMetrics = {
    registry,
    ingestRecords: new Counter({
      name: "custodian_ingest_records_total",
      help: "Chat records written through the ingest API by this instance, by record type.",
      labelNames: ["type"],
      registers: [registry],
    }),
    ingestRequests: new Histogram({
      name: "custodian_ingest_request_duration_seconds",
      help: "Duration of ingest API requests handled by this instance, by route and HTTP status.",
      labelNames: ["route", "status"],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
  };
  globalForMetrics.custodianProcessMetrics = metrics;
  return metrics;
}

/** Called by the ingest routes once per request. */
export function recordIngestRequest(options: {
  route: "records" | "files";
  status: number;
  seconds: number;
  counts?: Record<string, number>;
}): void {
  const m = processMetrics();
  m.ingestRequests.observe(
    { route: options.route, status: String(options.status) },
    options.seconds,
  );
  for (const [type, n] of Object.entries(options.counts ?? {}))
    if (n > 0) m.ingestRecords.inc({ type }, n);
}
