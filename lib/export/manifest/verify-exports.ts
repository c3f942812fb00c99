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
import {
  parseStoredReconciliation,
  RECONCILIATION_FILE,
} from "../reconciliation/reconciliation.ts";

export type VerifyResult = {
  ok: boolean;
  problems: string[];
  /** jobs whose exports were checked */ checked: number;
};

type Listed = { name: string; sha256: string };
type JobState = {
  id: string;
  dir: string;
  policyId: string;
  dirExists: boolean;
  manifest: JobManifest | null;
  signatureOk: boolean;
  /** The files the job should hold: its signed manifest's, else its ExportBatch rows. */
  listed: Listed[];
  /** Files found in the directory (manifest.json aside): name → sha256. */
  present: Map<string, string>;
};

/**
 * Verifies every finished export job with an export directory and a manifest — successful ones, and
 * errored or canceled ones that left batches — oldest first (RELIABILITY.md
 * check 21, CloudTrail parity): manifest present and signed, every listed file present with its
 * SHA-256, no stray or moved files, and each manifest chained to the previous one of its policy.
 * Jobs whose files the retention sweep deleted are skipped. Read-only.
 */
export async function verifyExports(
  options: { policyId?: string; now?: Date } = {},
): Promise<VerifyResult> {
  if (options.policyId !== undefined && !(await policyKnown(options.policyId))) {
    return { ok: false, problems: [`unknown policy ${options.policyId}`], checked: 0 };
  }
  const jobs = await db().exportJob.findMany({
    where: {
      exportDir: { not: "" },
      ...manifestedJobWhere,
      finishedAt: options.now ? { not: null, lte: options.now } : { not: null },
      ...(options.policyId !== undefined ? { policyId: options.policyId } : {}),
    },
    orderBy: [{ finishedAt: "asc" }, { id: "asc" }],
    select: {
      id: true,
      exportDir: true,
      policyId: true,
      targetId: true,
      finishedAt: true,
      filesDeletedAt: true,
      movesCursor: true,
      reconciliation: true,
      batches: {
        select: { number: true, fileName: true, sha256: true },
        orderBy: { number: "asc" },
      },
    },
  });

  const problems: string[] = [];
  const states: JobState[] = [];
  const byId = new Map<string, (typeof jobs)[number]>();
  for (const job of jobs) byId.set(job.id, job);

  for (const job of jobs) {
    if (job.filesDeletedAt) continue;
    const dir = job.exportDir;
    const state: JobState = {
      id: job.id,
      dir,
      policyId: job.policyId,
      dirExists: false,
      manifest: null,
      signatureOk: false,
      listed: [],
      present: new Map(),
    };
    states.push(state);
    const store = await resolveEvidenceTarget(job.targetId);
    state.dirExists = await store.hasDir(dir);
    if (!state.dirExists) continue;
    for (const f of await store.list(dir)) {
      if (f.name === MANIFEST_FILE) continue;
      state.present.set(f.name, await sha256OfStored(store, `${dir}/${f.name}`));
    }
    const raw =
      (await readTargetBytes(store, `${dir}/${MANIFEST_FILE}`).catch(() => null))?.toString(
        "utf8",
      ) ?? null;
    if (raw !== null) {
      let parsed: unknown = undefined;
      try {
        parsed = JSON.parse(raw);
      } catch {
        // unreadable JSON: the signature cannot verify
      }
      const m = parsed as JobManifest;
      // A valid manifest copied in from another job's directory does not verify here either.
      state.signatureOk =
        verifyManifestSignature(parsed) && m.job_id === job.id && m.export_dir === dir;
      state.manifest = state.signatureOk ? m : ({} as JobManifest);
    }
    state.listed =
      state.signatureOk && Array.isArray(state.manifest!.files)
        ? state.manifest!.files.map((f) => ({ name: f.name, sha256: f.sha256 }))
        : job.batches
            .filter((b) => b.fileName !== "")
            .map((b) => ({ name: b.fileName, sha256: b.sha256 }));
    const evidence = state.signatureOk ? state.manifest!.reconciliation : undefined;
    if (evidence) state.listed.push({ name: evidence.name, sha256: evidence.sha256 });
    // Without a manifest that names it, the reconciliation is taken as found (its hash is unknown).
    else if (state.present.has(RECONCILIATION_FILE))
      state.listed.push({
        name: RECONCILIATION_FILE,
        sha256: state.present.get(RECONCILIATION_FILE)!,
      });
  }

  // Where every listed file belongs, and every file found somewhere it is not listed.
  const listedBySha = new Map<string, { dir: string; name: string }>();
  for (const s of states)
    for (const f of s.listed) if (f.sha256) listedBySha.set(f.sha256, { dir: s.dir, name: f.name });
  const strayBySha = new Map<string, { dir: string; name: string }>();
  for (const s of states) {
    const listedNames = new Set(s.listed.map((f) => f.name));
    for (const [name, sha] of s.present)
      if (!listedNames.has(name)) strayBySha.set(sha, { dir: s.dir, name });
  }

  // The chain: each job's predecessor among the manifested jobs of its policy (deleted ones too).
  const previousOf = new Map<string, (typeof jobs)[number] | null>();
  const lastOfPolicy = new Map<string, (typeof jobs)[number]>();
  for (const job of jobs) {
    previousOf.set(job.id, lastOfPolicy.get(job.policyId) ?? null);
    lastOfPolicy.set(job.policyId, job);
  }

  for (const s of states) {
    if (!s.dirExists) {
      problems.push(`chain gap ${s.dir}`);
      continue;
    }
    if (s.manifest === null) problems.push(`manifest missing ${s.dir}`);
    else if (!s.signatureOk) problems.push(`signature verification failed ${s.dir}`);

    for (const f of s.listed) {
      const found = s.present.get(f.name);
      if (found === undefined) {
        const elsewhere = strayBySha.get(f.sha256);
        // A file found in another directory is reported once, as moved (below).
        if (!elsewhere) problems.push(`missing ${s.dir}/${f.name}`);
      } else if (found !== f.sha256) {
        problems.push(`hash mismatch ${s.dir}/${f.name}`);
      }
    }
    const listedNames = new Set(s.listed.map((f) => f.name));
    for (const [name, sha] of s.present) {
      if (listedNames.has(name)) continue;
      const home = listedBySha.get(sha);
      if (home && home.dir !== s.dir)
        problems.push(`moved ${name} (listed in ${home.dir}, found in ${s.dir})`);
      else problems.push(`moved ${name} (found in ${s.dir}, not listed in its manifest)`);
    }

    if (s.signatureOk) {
      const expected = await expectedPrevious(s.id);
      const stated = s.manifest!.previous ?? null;
      if (!chainMatches(stated, expected)) problems.push(`chain gap ${s.dir}`);
    }
  }
  problems.push(...continuityProblems(jobs));
  return { ok: problems.length === 0, problems, checked: states.length };

  async function expectedPrevious(
    jobId: string,
  ): Promise<{ id: string; deleted: boolean; sha256: string | null } | null> {
    const prev = previousOf.get(jobId) ?? null;
    if (!prev) return null;
    const bytes = await readTargetBytes(
      await resolveEvidenceTarget(prev.targetId),
      `${prev.exportDir}/${MANIFEST_FILE}`,
    ).catch(() => null);
    return {
      id: prev.id,
      deleted: prev.filesDeletedAt !== null,
      sha256: bytes ? sha256Hex(bytes) : null,
    };
  }
}

/**
 * Continuity (issue 8 §4): the finished runs that continue a policy's cursor must cover the change
 * feed as an unbroken chain — each starts exactly where the one before ended: a later start is a
 * gap (rows no run exported), an earlier one an overlap (rows exported twice). Runs finished before
 * reconciliations existed have no recorded range; the chain starts after them.
 */
function continuityProblems(
  jobs: ReadonlyArray<{
    exportDir: string;
    policyId: string;
    movesCursor: boolean;
    reconciliation: string;
  }>,
): string[] {
  const problems: string[] = [];
  const last = new Map<string, { dir: string; to: number }>();
  for (const job of jobs) {
    if (!job.movesCursor) continue;
    const r = parseStoredReconciliation(job.reconciliation);
    if (!r || r.feed.from === null) continue;
    const prev = last.get(job.policyId);
    if (prev && r.feed.from > prev.to)
      problems.push(
        `continuity gap ${job.exportDir}: feed positions (${prev.to}, ${r.feed.from}] were exported by no run between ${prev.dir} and ${job.exportDir}`,
      );
    else if (prev && r.feed.from < prev.to)
      problems.push(
        `continuity overlap ${job.exportDir}: feed positions (${r.feed.from}, ${Math.min(prev.to, r.feed.to)}] were also exported by ${prev.dir}`,
      );
    last.set(job.policyId, { dir: job.exportDir, to: r.feed.to });
  }
  return problems;
}

function chainMatches(
  stated: JobManifest["previous"],
  expected: { id: string; deleted: boolean; sha256: string | null } | null,
): boolean {
  if (stated === null || expected === null) return stated === null && expected === null;
  if (stated.job_id !== expected.id) return false;
  // The retention sweep deleted the previous export, its manifest with it: nothing to compare.
  if (expected.deleted) return true;
  return (stated.manifest_sha256 ?? null) === expected.sha256;
}

/** A policy is known when it is the default one or anything was ever exported or scheduled for it. */
async function policyKnown(policyId: string): Promise<boolean> {
  if (policyId === "default") return true;
  const [jobs, cursors] = await Promise.all([
    db().exportJob.count({ where: { policyId } }),
    db().exportCursor.count({ where: { policyId } }),
  ]);
  return jobs + cursors > 0;
}
