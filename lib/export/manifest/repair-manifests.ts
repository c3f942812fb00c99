import { componentActor, type AuditActor } from "../../audit/actor.ts";
import { record } from "../../audit/record.ts";
import { db } from "../../db/client.ts";
import { resolveEvidenceTarget } from "../../targets/resolve-target.ts";
import { readTargetBytes, sha256OfStored } from "../../targets/target.ts";
import {
  MANIFEST_FILE,
  manifestedJobWhere,
  sha256Hex,
  verifyManifestSignature,
  type JobManifest,
} from "./manifest-format.ts";
import { writeJobManifest } from "./write-job-manifest.ts";

export type RepairResult = { repaired: string[]; notRepaired: string[] };

/**
 * `verify --repair` (issue 15 item 7): writes the manifest an older export is missing — a crash or
 * a write failure between "success" and the manifest, before manifests became part of finishing; a
 * failed export from before failed exports joined the chain — when every one of its batch files is
 * present with the SHA-256 recorded at commit. The next manifest of the same policy, whose link can
 * no longer match the one written now, is written again too, under the same condition, so the
 * chain verifies. A job whose files differ is left alone (and reported).
 * One `repairExportManifest` audit record per manifest written.
 */
export async function repairManifests(
  options: { policyId?: string; actor?: AuditActor } = {},
): Promise<RepairResult> {
  const jobs = await db().exportJob.findMany({
    where: {
      ...manifestedJobWhere,
      exportDir: { not: "" },
      finishedAt: { not: null },
      filesDeletedAt: null,
      ...(options.policyId ? { policyId: options.policyId } : {}),
    },
    orderBy: [{ finishedAt: "asc" }, { id: "asc" }],
    select: {
      id: true,
      exportDir: true,
      targetId: true,
      policyId: true,
      batches: { select: { fileName: true, sha256: true } },
    },
  });
  const result: RepairResult = { repaired: [], notRepaired: [] };
  /** The policy's manifest before the job at hand: its job and current bytes' SHA-256. */
  const last = new Map<string, { jobId: string; sha256: string | null; repaired: boolean }>();
  for (const job of jobs) {
    const store = await resolveEvidenceTarget(job.targetId);
    if (!(await store.hasDir(job.exportDir))) continue;
    const path = `${job.exportDir}/${MANIFEST_FILE}`;
    const bytes = await readTargetBytes(store, path).catch(() => null);
    const previous = last.get(job.policyId);
    let needed = bytes === null;
    if (!needed && previous?.repaired) {
      // Chained to a manifest written just now: the stored link names the job but not its bytes.
      let parsed: unknown;
      try {
        parsed = JSON.parse(bytes!.toString("utf8"));
      } catch {
        parsed = null;
      }
      const m = parsed as JobManifest | null;
      // (Or past it: an errored export written before such exports joined the chain.)
      needed =
        verifyManifestSignature(parsed) &&
        (m!.previous?.job_id !== previous.jobId || m!.previous.manifest_sha256 !== previous.sha256);
    }
    if (needed) {
      if (await batchesIntact(store, job.exportDir, job.batches)) {
        await writeJobManifest({ jobId: job.id });
        result.repaired.push(job.exportDir);
        await record({
          eventName: "repairExportManifest",
          status: "success",
          actor: options.actor ?? componentActor("cli"),
          objectType: "export",
          apiPath: "cli:verify",
          parameters: { job_id: job.id },
          priorState: { manifest: bytes === null ? "missing" : "chained to a missing manifest" },
          resultingState: {
            export_dir: job.exportDir,
            files: job.batches.filter((b) => b.fileName !== "").length,
          },
        });
      } else {
        result.notRepaired.push(job.exportDir);
      }
    }
    const now = await readTargetBytes(store, path).catch(() => null);
    last.set(job.policyId, {
      jobId: job.id,
      sha256: now ? sha256Hex(now) : null,
      repaired: needed && result.repaired.includes(job.exportDir),
    });
  }
  return result;
}

async function batchesIntact(
  store: Awaited<ReturnType<typeof resolveEvidenceTarget>>,
  dir: string,
  batches: Array<{ fileName: string; sha256: string }>,
): Promise<boolean> {
  for (const b of batches) {
    if (b.fileName === "") continue;
    if (!(await store.exists(`${dir}/${b.fileName}`))) return false;
    if ((await sha256OfStored(store, `${dir}/${b.fileName}`)) !== b.sha256) return false;
  }
  return true;
}
