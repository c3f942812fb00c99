/** Mattermost's FakeSetting: what a secret looks like wherever it is shown. */
export const SECRET_MASK = "********************************";

/** Copies a JSON-like value with every key named like a secret replaced by the mask. */
export function maskSecrets(
  value: unknown,
  secretKeys: ReadonlySet<string> = DEFAULT_SECRET_KEYS,
): unknown {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, secretKeys));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = secretKeys.has(k.toLowerCase())
        ? v === "" || v == null
          ? v
          : SECRET_MASK
        : maskSecrets(v, secretKeys);
    }
    return out;
  }
  return value;
}

// A second line of defence only: what a record keeps is decided by each action's allow-list
// (lib/audit/auditable.ts). Destinations (addresses, usernames) are not secrets and stay visible.
const DEFAULT_SECRET_KEYS = new Set([
  "password",
  "newpassword",
  "currentpassword",
  "confirmpassword",
  "smtppassword",
  "token",
  "secret",
  "secretaccesskey",
]);
