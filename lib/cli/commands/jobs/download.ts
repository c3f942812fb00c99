import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import { db } from "../../../db/client.ts";
import {
  MANIFEST_FILE,
  verifyManifestSignature,
  type JobManifest,
} from "../../../export/manifest/manifest-format.ts";
import { openExportDownload } from "../../../export/open-export-download.ts";
import { UserError } from "../../../errors/user-error.ts";
import { ZJobId } from "../../../jobs/schema.ts";
import { resolveEvidenceTarget } from "../../../targets/resolve-target.ts";
import { readTargetBytes } from "../../../targets/target.ts";
import { defineCommand } from "../../define-command.ts";
import { wholeNumber } from "../../schema.ts";

export const download = defineCommand({
  name: "jobs download",
  summary:
    "Copy a finished export's batch zips into a directory and check each against its signed manifest",
  positionals: ["id"],
  flags: {
    batch: { type: "string", value: "N", help: "only batch N" },
    out: { type: "string", value: "DIR", help: "where to write (default: the current directory)" },
  },
  schema: z.object({
    id: ZJobId,
    batch: wholeNumber(1, 9_999_999).optional(),
    out: z.string().min(1).default("."),
  }),
  details:
    "Writes DIR/<export directory name>/ with the batch zips and manifest.json. Each file is streamed, hashed\n" +
    "on the way and compared with the SHA-256 its signed manifest lists; a file that does not match is\n" +
    "deleted and the command exits 1. Prints the directory on standard output. Audited as a download.",
  audit: { event: "downloadComplianceReport", objectType: "export" },
  async run({ input, out, note, terminal }) {
    const job = await db().exportJob.findUnique({
      where: { id: input.id },
      include: { batches: { orderBy: { number: "asc" } } },
    });
    const batches =
      job?.batches.filter((b) => input.batch === undefined || b.number === input.batch) ?? [];
    // openExportDownload makes the download route's checks (exists, finished, not expired, has
    // files) for every batch; with nothing to copy, one call says why.
    if (!job || batches.length === 0) {
      await openExportDownload({ jobId: input.id, batch: input.batch ?? 1 });
      throw new UserError(`this export has no batch ${input.batch ?? 1}`, 404);
    }
    const expected = await expectedHashes(job.exportDir, job.id, job.targetId, job.batches);
    if (!expected.signed)
      note(
        `warning: ${job.exportDir}/${MANIFEST_FILE} is missing or not validly signed; checking against the database's hashes instead`,
      );

    const target = path.resolve(input.out, path.basename(job.exportDir));
    await mkdir(target, { recursive: true });
    const mismatched: string[] = [];
    let done = 0;
    for (const b of batches) {
      terminal.setStatus(`downloading ${b.fileName} (${done + 1}/${batches.length})`);
      const { stream } = await openExportDownload({ jobId: job.id, batch: b.number });
      const hash = createHash("sha256");
      const partial = path.join(target, `.${b.fileName}.partial`);
      await pipeline(
        stream,
        new Transform({
          transform: (chunk: Buffer, _e, cb) => (hash.update(chunk), cb(null, chunk)),
        }),
        createWriteStream(partial),
      );
      const actual = hash.digest("hex");
      if (actual !== expected.byName.get(b.fileName)) {
        await rm(partial, { force: true });
        mismatched.push(b.fileName);
        note(
          `hash mismatch ${b.fileName}: the manifest lists ${expected.byName.get(b.fileName) ?? "no hash"}, the copy has ${actual}`,
        );
        continue;
      }
      await rename(partial, path.join(target, b.fileName));
      done++;
    }
    terminal.setStatus("");
    if (expected.manifest) await writeFile(path.join(target, MANIFEST_FILE), expected.manifest);
    const files = batches.map((b) => b.fileName);
    const audit = {
      parameters: { job_id: job.id, ...(input.batch ? { batch: input.batch } : {}) },
      resultingState: {
        files,
        verified: mismatched.length === 0,
        ...(mismatched.length ? { mismatched } : {}),
      },
    };
    if (mismatched.length) return { exitCode: 1, audit };
    note(
      `${done} file(s) verified against ${expected.signed ? "the signed manifest" : "the database"}.`,
    );
    out(target);
    return { audit };
  },
});

async function expectedHashes(
  dir: string,
  jobId: string,
  targetId: string,
  batches: Array<{ fileName: string; sha256: string }>,
) {
  const raw = await readTargetBytes(
    await resolveEvidenceTarget(targetId),
    `${dir}/${MANIFEST_FILE}`,
  ).catch(() => null);
  let manifest: JobManifest | null;
  try {
    manifest = raw ? (JSON.parse(raw.toString("utf8")) as JobManifest) : null;
  } catch {
    manifest = null;
  }
  const signed =
    manifest !== null &&
    verifyManifestSignature(manifest) &&
    manifest.job_id === jobId &&
    manifest.export_dir === dir;
  const byName = new Map<string, string>(
    signed
      ? manifest!.files.map((f) => [f.name, f.sha256])
      : batches.map((b) => [b.fileName, b.sha256]),
  );
  return { signed, byName, manifest: signed ? raw : null };
}
