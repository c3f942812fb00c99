import type { ConfigDiff } from "../audit/record.ts";
import { SECRET_MASK } from "../audit/mask.ts";

// Secrets never reach an audit record, not even in a diff (RELIABILITY.md #32). Where archive and
// notification mail goes (addresses, hosts, usernames) is shown in clear, so a redirect is visible
// (issue 11 item 3).
const MASKED = new Set(["SMTPPassword"]);

/** Mattermost's config_diffs: one entry per changed leaf, secrets masked on both sides. */
export function configDiffs(prefix: string, before: unknown, after: unknown): ConfigDiff[] {
  const out: ConfigDiff[] = [];
  walk(prefix, before, after, out);
  return out;
}

function walk(path: string, a: unknown, b: unknown, out: ConfigDiff[]): void {
  const isObj = (v: unknown): v is Record<string, unknown> =>
    !!v && typeof v === "object" && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)]))
      walk(`${path}.${key}`, a[key], b[key], out);
    return;
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  const leaf = path.slice(path.lastIndexOf(".") + 1);
  const mask = (v: unknown) => (MASKED.has(leaf) && v !== "" && v != null ? SECRET_MASK : v);
  out.push({ path, base_val: mask(a), actual_val: mask(b) });
}
