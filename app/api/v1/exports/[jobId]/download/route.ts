import { Readable } from "node:stream";
import { record } from "@/lib/audit/record.ts";
import { DECLARED_LENGTH_HEADER } from "@/lib/http/declared-length.ts";
import { UserError } from "@/lib/errors/user-error.ts";
import { verifyDownloadLink } from "@/lib/export/download-links.ts";
import { openExportDownload, presignExportBatch } from "@/lib/export/open-export-download.ts";
import { ZJobId } from "@/lib/jobs/schema.ts";
import { requestInfoFrom } from "@/app/_server/request-info.ts";
import { internalError, jsonError, sessionRoute } from "@/app/_server/route.ts";

export const dynamic = "force-dynamic";
const API_PATH = "/api/v1/exports/[jobId]/download";

function parseTarget(
  request: Request,
  jobId: string | undefined,
): { jobId: string; batch?: number } {
  const id = ZJobId.safeParse(jobId);
  if (!id.success) throw new UserError("No such export.", 404);
  const batch = new URL(request.url).searchParams.get("batch");
  if (batch !== null && !/^[1-9][0-9]{0,6}$/.test(batch))
    throw new UserError("batch must be a batch number such as 1.", 400);
  return { jobId: id.data, batch: batch === null ? undefined : Number(batch) };
}

async function download(target: {
  jobId: string;
  batch?: number;
}): Promise<{ response: Response; files: string[]; presigned: boolean }> {
  // A batch on an S3 target: a short-lived presigned URL (no longer than a signed link) straight to the bucket.
  const presigned =
    target.batch !== undefined
      ? await presignExportBatch({ jobId: target.jobId, batch: target.batch })
      : null;
  if (presigned)
    return {
      response: new Response(null, {
        status: 302,
        headers: { Location: presigned.url, "Cache-Control": "no-store" },
      }),
      files: [presigned.fileName],
      presigned: true,
    };
  const d = await openExportDownload(target);
  const asciiName = d.fileName.replace(/[^A-Za-z0-9._-]/g, "_");
  const headers: Record<string, string> = {
    "Content-Type": "application/zip",
    "Content-Disposition": `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(d.fileName)}`,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  };
  if (d.size !== undefined) headers[DECLARED_LENGTH_HEADER] = String(d.size);
  return {
    response: new Response(Readable.toWeb(d.stream) as ReadableStream, { headers }),
    files: d.files,
    presigned: false,
  };
}

const withSession = sessionRoute(
  {
    right: "download",
    audit: { event: "downloadComplianceReport", objectType: "export", apiPath: API_PATH },
  },
  async ({ request, params }) => {
    const target = parseTarget(request, params.jobId);
    const { response, files, presigned } = await download(target);
    return {
      response,
      audit: {
        parameters: { job_id: target.jobId, ...(target.batch ? { batch: target.batch } : {}) },
        resultingState: { files, ...(presigned ? { presigned_url: true } : {}) },
      },
    };
  },
);

/** With ?link=<signed token>: no session needed; the link's issuer must still hold the download right. */
async function withLink(
  request: Request,
  jobId: string | undefined,
  token: string,
): Promise<Response> {
  const info = requestInfoFrom(request.headers);
  const actor = { userId: "", sessionId: "", client: info.userAgent, ipAddress: info.ipAddress };
  const audit = (status: "success" | "fail", extra: object) =>
    record({
      eventName: "downloadComplianceReport",
      status,
      actor,
      objectType: "export",
      apiPath: `${API_PATH}?link`,
      ...extra,
    });
  try {
    const target = parseTarget(request, jobId);
    // The signed payload alone names the batch; a different ?batch= is refused.
    const link = await verifyDownloadLink({
      token,
      jobId: target.jobId,
      requestedBatch: target.batch,
    });
    actor.userId = link.userId;
    const batch = link.batch;
    const { response, files, presigned } = await download({ jobId: target.jobId, batch });
    await audit("success", {
      parameters: { job_id: target.jobId, link_id: link.linkId, ...(batch ? { batch } : {}) },
      resultingState: { files, ...(presigned ? { presigned_url: true } : {}) },
    });
    return response;
  } catch (error) {
    if (!(error instanceof UserError)) return internalError(error, API_PATH);
    await audit("fail", {
      parameters: { job_id: jobId ?? "" },
      error: { description: error.message, status_code: error.status },
    });
    return jsonError(error.status, error.message);
  }
}

/** Streams a finished export (or ?batch=N) to an admin holding the download right; audited. */
export async function GET(
  request: Request,
  context: { params: Promise<Record<string, string>> },
): Promise<Response> {
  const link = new URL(request.url).searchParams.get("link");
  if (link) return withLink(request, (await context.params).jobId, link);
  return withSession(request, context);
}
