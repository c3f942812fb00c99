import { z } from "zod";
import { db } from "../../../db/client.ts";
import { UserError } from "../../../errors/user-error.ts";
import { createDownloadLink } from "../../../export/download-links.ts";
import { getJobView } from "../../../jobs/job-view.ts";
import { ZJobId } from "../../../jobs/schema.ts";
import { consoleUrl } from "../../../notifications/console-url.ts";
import { defineCommand } from "../../define-command.ts";
import { wholeNumber, ZDuration } from "../../schema.ts";

const MAX_TTL_MS = 7 * 86_400_000;

export const link = defineCommand({
  name: "jobs link",
  summary:
    "Print a signed, short-lived download link for a finished export (no session needed to use it)",
  positionals: ["id"],
  flags: {
    batch: { type: "string", value: "N", help: "link to batch N only" },
    ttl: {
      type: "string",
      value: "30m",
      help: "how long the link works: 30m, 12h, 7d at most (default CUSTODIAN_LINK_TTL_MINUTES)",
    },
    as: {
      type: "string",
      value: "EMAIL",
      help: "the admin the link is issued for (default: the owner); they must hold the download right",
    },
  },
  schema: z.object({
    id: ZJobId,
    batch: wholeNumber(1, 9_999_999).optional(),
    ttl: ZDuration.pipe(z.number().max(MAX_TTL_MS, "a link works for 7 days at most")).optional(),
    as: z.string().min(1).optional(),
  }),
  json: true,
  details:
    "The link stops working when it expires, or at once when its admin loses any right, is signed out or has their sessions ended. CUSTODIAN_PUBLIC_URL sets its origin.",
  audit: { event: "generatePresignURLExport", objectType: "export" },
  async run({ input, emit }) {
    const job = await getJobView(input.id);
    if (!job) throw new UserError(`no job ${input.id}`, 404);
    if (!job.downloadable)
      throw new UserError(
        job.expired ? "this export has expired" : "this export has no files to download",
        job.expired ? 410 : 409,
      );
    if (input.batch !== undefined && input.batch > job.batches)
      throw new UserError(`this export has no batch ${input.batch}`, 404);
    const issuer = input.as
      ? await db().adminUser.findUnique({ where: { email: input.as.toLowerCase() } })
      : await db().adminUser.findUnique({ where: { ownerSlot: "owner" } });
    if (!issuer)
      throw new UserError(
        input.as
          ? `no admin has the email ${input.as}`
          : "there is no owner yet: create one first (admin create --owner)",
        404,
      );
    const ttlMinutes = input.ttl === undefined ? undefined : Math.ceil(input.ttl / 60_000);
    const created = await createDownloadLink({
      jobId: job.id,
      userId: issuer.id,
      batch: input.batch,
      ttlMinutes,
    });
    const url = consoleUrl(
      `api/v1/exports/${job.id}/download?link=${encodeURIComponent(created.token)}`,
    );
    emit({ url, expiresAt: created.expiresAt.getTime() }, (l) => l.url);
    return {
      audit: {
        parameters: {
          job_id: job.id,
          ...(input.batch ? { batch: input.batch } : {}),
          ...(ttlMinutes ? { ttlMinutes } : {}),
          issued_for: issuer.email,
        },
        resultingState: { link_id: created.linkId, expires_at: created.expiresAt.toISOString() },
      },
    };
  },
});
