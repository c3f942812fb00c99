import { ZLinkInput } from "@/lib/api/schemas.ts";
import { UserError } from "@/lib/errors/user-error.ts";
import { env } from "@/lib/config/env.ts";
import { createDownloadLink } from "@/lib/export/download-links.ts";
import { presignExportBatch } from "@/lib/export/open-export-download.ts";
import { getJobView } from "@/lib/jobs/job-view.ts";
import { ZJobId } from "@/lib/jobs/schema.ts";
import { parseJsonBody, sessionRoute } from "@/app/_server/route.ts";

export const dynamic = "force-dynamic";

/** Issues a signed, short-lived download link for a finished export. */
export const POST = sessionRoute(
  {
    right: "download",
    audit: {
      event: "generatePresignURLExport",
      objectType: "export",
      apiPath: "/api/v1/exports/[jobId]/links",
      auditable: { batch: true, ttlMinutes: true },
    },
  },
  async ({ request, params, session }) => {
    const id = ZJobId.safeParse(params.jobId);
    const job = id.success ? await getJobView(id.data) : null;
    if (!job) throw new UserError("No such export.", 404);
    if (!job.downloadable)
      throw new UserError(
        job.expired ? "This export has expired." : "This export has no files to download.",
        job.expired ? 410 : 409,
      );
    const input = await parseJsonBody(request, ZLinkInput, 4096);
    // A batch on an S3 target: a presigned GET URL to the bucket, valid no longer than the link would be.
    const ttlMinutes = Math.min(input.ttlMinutes ?? env().CUSTODIAN_LINK_TTL_MINUTES, 7 * 24 * 60);
    const presigned = input.batch
      ? await presignExportBatch({ jobId: job.id, batch: input.batch, ttlSeconds: ttlMinutes * 60 })
      : null;
    if (presigned) {
      return {
        response: Response.json(
          { url: presigned.url, expiresAt: presigned.expiresAt.getTime() },
          { status: 201, headers: { "Cache-Control": "no-store" } },
        ),
        audit: {
          input,
          parameters: { job_id: job.id },
          resultingState: {
            presigned_url: true,
            file: presigned.fileName,
            expires_at: presigned.expiresAt.toISOString(),
          },
        },
      };
    }
    const link = await createDownloadLink({
      jobId: job.id,
      userId: session.user.id,
      batch: input.batch,
      ttlMinutes: input.ttlMinutes,
    });
    const url = `/api/v1/exports/${job.id}/download?link=${encodeURIComponent(link.token)}`;
    return {
      response: Response.json(
        { url, expiresAt: link.expiresAt.getTime() },
        { status: 201, headers: { "Cache-Control": "no-store" } },
      ),
      audit: {
        input,
        parameters: { job_id: job.id },
        resultingState: { link_id: link.linkId, expires_at: link.expiresAt.toISOString() },
      },
    };
  },
);
