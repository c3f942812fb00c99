import { isMetricsToken } from "@/lib/metrics/check-metrics-access.ts";
import { renderMetrics } from "@/lib/metrics/render-metrics.ts";
import { isApiToken } from "@/lib/auth/verify-api-token.ts";
import { requestInfoFrom } from "@/app/_server/request-info.ts";
import { apiTokenSession, bearerToken, internalError, jsonError } from "@/app/_server/route.ts";

export const dynamic = "force-dynamic";

/**
 * Prometheus metrics (text format) for a scraper holding CUSTODIAN_METRICS_TOKEN, or any active
 * admin's API token, as a bearer token. Scrapes are not audited (one every few seconds would drown
 * the audit log); an API token's first use of the day is, as everywhere.
 */
export async function GET(request: Request): Promise<Response> {
  const token = bearerToken(request);
  const allowed =
    isMetricsToken(token) ||
    (isApiToken(token) &&
      (await apiTokenSession(request, requestInfoFrom(request.headers), "/api/metrics")) !== null);
  if (!allowed) {
    return jsonError(
      401,
      "Send CUSTODIAN_METRICS_TOKEN or an admin API token as Authorization: Bearer <token>.",
      undefined,
      { "WWW-Authenticate": "Bearer" },
    );
  }
  try {
    const { contentType, text } = await renderMetrics();
    return new Response(text, {
      headers: { "Content-Type": contentType, "Cache-Control": "no-store" },
    });
  } catch (error) {
    return internalError(error, "/api/metrics");
  }
}
