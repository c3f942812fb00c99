import type { ConfigDiff } from "../audit/record.ts";
import { UserError } from "../errors/user-error.ts";
import type { SavedTarget } from "./save-target.ts";
import type { StoredTarget } from "./stored-target.ts";

/** Fields that decide where a target's exports go (and whose credentials are used): a change is announced. */
const DESTINATION_FIELDS = new Set([
  "path",
  "endpoint",
  "region",
  "bucket",
  "prefix",
  "accessKeyId",
  "forcePathStyle",
  "CustomerType",
  "EmailAddress",
  "CustomSMTPServerName",
  "CustomSMTPPort",
  "SMTPUsername",
  "AllowPlainSMTP",
]);

/** The diffs of a target change that redirect exports, named by the target (for the owner's and auditors' notice). */
export function targetDestinationDiffs(saved: SavedTarget): ConfigDiff[] {
  if (!saved.before) return [];
  return saved.diffs
    .filter(
      (d) =>
        d.path.startsWith("Target.config.") &&
        DESTINATION_FIELDS.has(d.path.slice("Target.config.".length)),
    )
    .map((d) => ({ ...d, path: `${saved.after.name}.${d.path.slice("Target.config.".length)}` }));
}

/** What the audit record of a target change keeps besides the allow-listed input: the diffs and where it goes now. */
export function targetChangeAudit(saved: SavedTarget) {
  return {
    priorState: saved.before ? { config_diffs: saved.diffs } : {},
    resultingState: {
      target_id: saved.after.id,
      name: saved.after.name,
      destination: saved.after.destination,
      secret_cleared: saved.secretCleared,
    },
  };
}

/** A partial change (API PATCH) applied to the stored target: what is left out keeps its value, the secret included. */
export function targetPatchInput(current: StoredTarget, patch: unknown): Record<string, unknown> {
  if (!patch || typeof patch !== "object" || Array.isArray(patch))
    throw new UserError("Send a JSON object.", 400);
  const p = patch as Record<string, unknown>;
  const unknown = Object.keys(p).filter(
    (k) => !["name", "disabled", "config", "secret", "kind"].includes(k),
  );
  if (unknown.length)
    throw new UserError(
      `Unknown field${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}.`,
      400,
      Object.fromEntries(unknown.map((k) => [k, "Unknown field."])),
    );
  const config = p.config === undefined ? {} : p.config;
  if (!config || typeof config !== "object" || Array.isArray(config))
    throw new UserError("config must be an object.", 400, { config: "Must be an object." });
  return {
    kind: current.kind,
    name: current.name,
    disabled: current.disabled,
    ...p,
    config: { ...current.config, ...(config as object) },
  };
}
