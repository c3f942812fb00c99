import { Readable } from "node:stream";
import { queryAudits, streamAudits } from "@/lib/audit/query-audits.ts";
import { ZAuditQuery } from "@/lib/audit/schema.ts";
import { fieldErrorsOf, UserError } from "@/lib/errors/user-error.ts";
import { sessionRoute } from "@/app/_server/route.ts";

export const dynamic = "force-dynamic";

/** The audit log, filtered: a JSON page, or with ?download=jsonl|csv every match as JSON lines or CSV. */
export const GET = sessionRoute(
  { right: "audit", audit: { event: "getAudits", objectType: "audit", apiPath: "/api/v1/audits" } },
  async ({ request }) => {
    const params = Object.fromEntries(new URL(request.url).searchParams);
    const parsed = ZAuditQuery.safeParse(params);
    if (!parsed.success)
      throw new UserError("Some filters are not valid.", 400, fieldErrorsOf(parsed.error.issues));
    const audit = {
      parameters: { ...parsed.data, ...(params.download ? { download: params.download } : {}) },
    };
    if (params.download === "jsonl" || params.download === "csv") {
      const stamp = new Date().toISOString().replace(/[:.]/g, "-");
      const csv = params.download === "csv";
      return {
        response: new Response(
          Readable.toWeb(
            Readable.from(streamAudits(parsed.data, params.download)),
          ) as ReadableStream,
          {
            headers: {
              "Content-Type": csv
                ? "text/csv; charset=utf-8"
                : "application/x-ndjson; charset=utf-8",
              "Content-Disposition": `attachment; filename="custodian-audit-${stamp}.${params.download}"`,
              "Cache-Control": "no-store",
              "X-Content-Type-Options": "nosniff",
            },
          },
        ),
        audit,
      };
    }
    const page = await queryAudits(parsed.data);
    return {
      response: Response.json(
        { records: page.records.map((r) => JSON.parse(r.json) as unknown), next: page.next },
        { headers: { "Cache-Control": "no-store" } },
      ),
      audit,
    };
  },
);
