import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { derivedKey } from "../../settings/secret-box.ts";

// The per-job integrity manifest (RELIABILITY.md "Design decisions": CloudTrail model, check 21):
// SHA-256 per batch file, chained to the previous manifest of the same policy, HMAC-signed.

export const MANIFEST_FILE = "manifest.json";
export const MANIFEST_VERSION = 1;

export type ManifestFile = { name: string; size: number; sha256: string; batch: number };
export type ManifestPrevious = { job_id: string; manifest_sha256: string | null };
/** The run's reconciliation.json (docs/reconciliation.md). */
export type ManifestEvidence = { name: string; size: number; sha256: string };
/** An attachment a batch holds, with the SHA-256 of its bytes as exported. */
export type ManifestAttachment = {
  batch: number;
  post_id: string;
  file_id: string;
  sha256: string;
};

export type UnsignedManifest = {
  version: number;
  job_id: string;
  policy_id: string;
  export_dir: string;
  format: string;
  window: { start: number | null; end: number | null };
  files: ManifestFile[];
  /** Manifests written before reconciliations existed have neither of these two. */
  reconciliation?: ManifestEvidence | null;
  attachments?: ManifestAttachment[];
  previous: ManifestPrevious | null;
};

export type JobManifest = UnsignedManifest & { signature: string };

/** JSON with object keys sorted at every level and no whitespace: the bytes that are signed. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value))
    return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

function manifestKey(): Buffer {
  return derivedKey("export-manifests");
}

/** HMAC-SHA256 (hex) over the canonical JSON of the manifest without its signature. */
export function signManifest(body: UnsignedManifest): string {
  const { signature: _ignored, ...rest } = body as UnsignedManifest & { signature?: unknown };
  return createHmac("sha256", manifestKey()).update(canonicalJson(rest)).digest("hex");
}

/** The manifest as stored: fixed key order, signature last, 2-space indented, trailing newline. */
export function renderManifest(body: UnsignedManifest): string {
  const ordered: JobManifest = {
    version: body.version,
    job_id: body.job_id,
    policy_id: body.policy_id,
    export_dir: body.export_dir,
    format: body.format,
    window: { start: body.window.start, end: body.window.end },
    files: body.files.map((f) => ({
      name: f.name,
      size: f.size,
      sha256: f.sha256,
      batch: f.batch,
    })),
    ...(body.reconciliation !== undefined
      ? {
          reconciliation: body.reconciliation && {
            name: body.reconciliation.name,
            size: body.reconciliation.size,
            sha256: body.reconciliation.sha256,
          },
        }
      : {}),
    ...(body.attachments !== undefined
      ? {
          attachments: body.attachments.map((a) => ({
            batch: a.batch,
            post_id: a.post_id,
            file_id: a.file_id,
            sha256: a.sha256,
          })),
        }
      : {}),
    previous: body.previous
      ? { job_id: body.previous.job_id, manifest_sha256: body.previous.manifest_sha256 }
      : null,
    signature: signManifest(body),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** True when the parsed manifest carries a valid signature for its content. */
export function verifyManifestSignature(manifest: unknown): boolean {
  if (!manifest || typeof manifest !== "object" || Array.isArray(manifest)) return false;
  const { signature, ...rest } = manifest as Record<string, unknown>;
  if (typeof signature !== "string" || !/^[0-9a-f]{64}$/.test(signature)) return false;
  const expected = createHmac("sha256", manifestKey()).update(canonicalJson(rest)).digest();
  return timingSafeEqual(expected, Buffer.from(signature, "hex"));
}

export function sha256Hex(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Successful jobs get a manifest even without batches; these are the statuses the chain and the verifier consider. */
export const MANIFESTED_STATUSES = ["success", "warning"];

/** Jobs that ended otherwise get one when they left batches: their files are evidence too (issue 15 item 8). */
export const MANIFESTED_WITH_BATCHES = ["error", "canceled"];

/** Whether a job that ended with `status` after `batches` batches has a manifest in its policy's chain. */
export function hasManifest(status: string, batches: number): boolean {
  return (
    MANIFESTED_STATUSES.includes(status) ||
    (MANIFESTED_WITH_BATCHES.includes(status) && batches > 0)
  );
}

/** The same rule as a Prisma filter on ExportJob. */
export const manifestedJobWhere = {
  OR: [
    { status: { in: MANIFESTED_STATUSES } },
    { status: { in: MANIFESTED_WITH_BATCHES }, batchesWritten: { gt: 0 } },
  ],
};
