import { isMetricsToken } from "@/lib/metrics/check-metrics-access.ts";
import { renderMetrics } from "@/lib/metrics/render-metrics.ts";
import { bearerToken, internalError, jsonError } from "@/app/_server/route.ts";

export const dynamic = "force-dynamic";

/**
 * Prometheus metrics (text format) for a scraper holding CUSTODIAN_METRICS_TOKEN as a bearer token.
 * Not audited: a scrape every few seconds would drown the audit log.
 */
export async function GET(request: Request): Promise<Response> {
  if (!isMetricsToken(bearerToken(request))) {
    return jsonError(401, "Send CUSTODIAN_METRICS_TOKEN as Authorization: Bearer <token>.", undefined, { "WWW-Authenticate": "Bearer" });
  }
  try {
    const { contentType, text } = await renderMetrics();
    return new Response(text, { headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
  } catch (error) {
    return internalError(error, "/api/metrics");
  }
}
