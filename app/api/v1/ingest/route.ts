import { env } from "@/lib/config/env.ts";
import { UserError } from "@/lib/errors/user-error.ts";
import { DatabaseBusyError } from "@/lib/db/write-connection.ts";
import { applyIngestBody } from "@/lib/ingest/thread/apply-ingest-body.ts";
import { recordIngestRequest } from "@/lib/metrics/ingest-metrics.ts";
import { jsonError, readBodyBytes, tokenRoute } from "@/app/_server/route.ts";

export const dynamic = "force-dynamic";

/**
 * Loads chat records (docs/ingest.md): the body is a JSON array of `{"type": T, T: {...}}`. All are
 * validated first; only if every one passes are they written, in one transaction, idempotent by id.
 */
const handle = tokenRoute(
  { audit: { event: "bulkImport", objectType: "import", apiPath: "/api/v1/ingest" } },
  async ({ request }) => {
    if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? ""))
      throw new UserError("Send the records as application/json.", 415);
    const body = await readBodyBytes(request, env().CUSTODIAN_INGEST_MAX_BYTES);
    let outcome;
    try {
      outcome = await applyIngestBody(body);
    } catch (error) {
      // Other writers held the database past the wait budget: nothing was written; the client retries.
      if (!(error instanceof DatabaseBusyError)) throw error;
      return {
        response: jsonError(503, error.message, undefined, {
          "Retry-After": String(error.retryAfterSeconds),
        }),
        failed: { description: error.message, status_code: 503 },
      };
    }
    if (outcome.kind === "invalid-json") throw new UserError("The body is not valid JSON.", 400);
    if (outcome.kind === "not-an-array")
      throw new UserError("The body must be a JSON array of records.", 400);
    const { result, records } = outcome;
    if (!result.ok) {
      const description = `${result.errorCount} invalid record(s); nothing was written`;
      return {
        response: Response.json(
          { error: `${description}.`, errors: result.errors, errorCount: result.errorCount },
          { status: 422 },
        ),
        audit: { parameters: { records } },
        failed: { description, status_code: 422 },
      };
    }
    return {
      response: Response.json({
        counts: result.counts,
        warnings: result.warnings,
        warningCount: result.warningCount,
      }),
      audit: {
        parameters: { records },
        resultingState: { counts: result.counts, warnings: result.warningCount },
      },
    };
  },
);

/** The handler above, timed for custodian_ingest_request_duration_seconds (401s and 413s included). */
export async function POST(
  request: Request,
  context: { params: Promise<Record<string, string>> },
): Promise<Response> {
  const started = performance.now();
  const response = await handle(request, context);
  let counts: Record<string, number> | undefined;
  if (response.ok)
    counts = (
      (await response
        .clone()
        .json()
        .catch(() => ({}))) as { counts?: Record<string, number> }
    ).counts;
  recordIngestRequest({
    route: "records",
    status: response.status,
    seconds: (performance.now() - started) / 1000,
    counts,
  });
  return response;
}
