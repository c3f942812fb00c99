import { Readable } from "node:stream";
import { UserError } from "@/lib/errors/user-error.ts";
import { openExportDownload } from "@/lib/export/open-export-download.ts";
import { ZJobId } from "@/lib/jobs/schema.ts";
import { sessionRoute } from "@/app/_server/route.ts";

export const dynamic = "force-dynamic";

/** Streams a finished export (or ?batch=N) to an admin holding the download right; audited. */
export const GET = sessionRoute({ right: "download", audit: { event: "downloadComplianceReport", objectType: "export", apiPath: "/api/v1/exports/[jobId]/download" } }, async ({ request, params }) => {
  const id = ZJobId.safeParse(params.jobId);
  if (!id.success) throw new UserError("No such export.", 404);
  const batchParam = new URL(request.url).searchParams.get("batch");
  if (batchParam !== null && !/^[1-9][0-9]{0,6}$/.test(batchParam)) throw new UserError("batch must be a batch number such as 1.", 400);
  const download = await openExportDownload({ jobId: id.data, batch: batchParam === null ? undefined : Number(batchParam) });
  const asciiName = download.fileName.replace(/[^A-Za-z0-9._-]/g, "_");
  const headers: Record<string, string> = {
    "Content-Type": "application/zip",
    "Content-Disposition": `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(download.fileName)}`,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  };
  if (download.size !== undefined) headers["Content-Length"] = String(download.size);
  return {
    response: new Response(Readable.toWeb(download.stream) as ReadableStream, { headers }),
    audit: { parameters: { job_id: id.data, ...(batchParam ? { batch: Number(batchParam) } : {}) }, resultingState: { files: download.files } },
  };
});
