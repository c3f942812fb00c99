import { db } from "../../db/client.ts";
import { resolveEvidenceTarget } from "../../targets/resolve-target.ts";
import { readTargetBytes, writeTargetText } from "../../targets/target.ts";
import {
  MANIFEST_FILE,
  MANIFEST_VERSION,
  renderManifest,
  sha256Hex,
  type ManifestPrevious,
  type UnsignedManifest,
} from "./manifest-format.ts";
import { RECONCILIATION_FILE } from "../reconciliation/reconciliation.ts";
import { previousChainJob } from "./previous-job.ts";

/**
 * Writes `manifest.json` into a finished job's export directory (also for a job without batches):
 * every batch file with its size and SHA-256, the previous manifest's SHA-256 (the chain) and an
 * HMAC signature. A job without an export directory gets none. Deterministic: writing it again
 * gives the same bytes while the previous manifest is unchanged. `finishedAt` is the moment the
 * job is about to be marked finished (the manifest is written before that, issue 15 item 7); it
 * places the job in its policy's chain. Without it, the job's stored finishedAt.
 */
export async function writeJobManifest(options: {
  jobId: string;
  finishedAt?: Date;
}): Promise<{ path: string } | null> {
  const job = await db().exportJob.findUnique({
    where: { id: options.jobId },
    select: {
      id: true,
      exportDir: true,
      format: true,
      windowStart: true,
      windowEnd: true,
      finishedAt: true,
      policyId: true,
      movesCursor: true,
      targetId: true,
    },
  });
  if (!job || !job.exportDir) return null;
  const batches = await db().exportBatch.findMany({
    where: { jobId: job.id },
    orderBy: { number: "asc" },
    select: {
      number: true,
      fileName: true,
      size: true,
      sha256: true,
      startTime: true,
      endTime: true,
      attachments: true,
    },
  });
  const store = await resolveEvidenceTarget(job.targetId);
  const reconciliationBytes = await readTargetBytes(
    store,
    `${job.exportDir}/${RECONCILIATION_FILE}`,
  ).catch(() => null);
  const prev = await previousChainJob({ ...job, finishedAt: options.finishedAt ?? job.finishedAt });
  let previous: ManifestPrevious | null = null;
  if (prev) {
    const bytes = await readTargetBytes(
      await resolveEvidenceTarget(prev.targetId),
      `${prev.exportDir}/${MANIFEST_FILE}`,
    ).catch(() => null);
    previous = { job_id: prev.id, manifest_sha256: bytes ? sha256Hex(bytes) : null };
  }
  const body: UnsignedManifest = {
    version: MANIFEST_VERSION,
    job_id: job.id,
    policy_id: job.policyId,
    export_dir: job.exportDir,
    format: job.format,
    window: {
      start: job.windowStart === null ? null : Number(job.windowStart),
      end: job.windowEnd === null ? null : Number(job.windowEnd),
    },
    // Batches delivered by SMTP (Global Relay) leave no file behind: nothing to list.
    files: batches
      .filter((b) => b.fileName !== "")
      .map((b) => ({ name: b.fileName, size: Number(b.size), sha256: b.sha256, batch: b.number })),
    reconciliation: reconciliationBytes
      ? {
          name: RECONCILIATION_FILE,
          size: reconciliationBytes.length,
          sha256: sha256Hex(reconciliationBytes),
        }
      : null,
    attachments: batches.flatMap((b) =>
      (JSON.parse(b.attachments) as Array<{ postId: string; fileId: string; sha256: string }>).map(
        (a) => ({ batch: b.number, post_id: a.postId, file_id: a.fileId, sha256: a.sha256 }),
      ),
    ),
    previous,
  };
  const relative = `${job.exportDir}/${MANIFEST_FILE}`;
  await writeTargetText(store, relative, renderManifest(body));
  return { path: relative };
}
