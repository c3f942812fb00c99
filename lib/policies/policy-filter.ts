import { z } from "zod";

export const CHANNEL_TYPES = ["O", "P", "D", "G"] as const;
export const CHANNEL_TYPE_LABELS: Record<(typeof CHANNEL_TYPES)[number], string> = {
  O: "public",
  P: "private",
  D: "direct",
  G: "group",
};

const ids = z.array(z.string().trim().min(1).max(200)).max(1000).default([]);
const instant = z.number().int().nonnegative().nullable().default(null);

/**
 * Which conversations a policy exports; every part is optional and they combine with AND.
 * Teams, channels and users are stored as ids (the CLI and the form may name them; save-policy
 * resolves the names). `by`: "conversation" selects the messages of the chosen teams, channels and
 * types (and, with users, written by them); "participant" selects every message a chosen user could
 * see when it was posted — a member of its channel at that moment, by the member history — and
 * every message they wrote. notBefore/notAfter bound the messages' creation time (epoch ms).
 */
export const ZPolicyFilter = z
  .object({
    teams: ids,
    channels: ids,
    excludeChannels: ids,
    channelTypes: z
      .array(
        z.enum(
          CHANNEL_TYPES,
          "Channel types are O (public), P (private), D (direct) and G (group).",
        ),
      )
      .max(4)
      .default([]),
    users: ids,
    by: z
      .enum(["conversation", "participant"], "Select by conversation or by participant.")
      .default("conversation"),
    notBefore: instant,
    notAfter: instant,
  })
  .superRefine((f, ctx) => {
    if (f.by === "participant" && f.users.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["users"],
        message: "Selecting by participant needs at least one user.",
      });
    if (f.notBefore !== null && f.notAfter !== null && f.notAfter < f.notBefore)
      ctx.addIssue({
        code: "custom",
        path: ["notAfter"],
        message: "“Not after” is before “not before”.",
      });
  });
export type PolicyFilter = z.output<typeof ZPolicyFilter>;
export type TPolicyFilterInput = z.input<typeof ZPolicyFilter>;

export const EMPTY_FILTER: PolicyFilter = ZPolicyFilter.parse({});

export function isEmptyFilter(f: PolicyFilter | null | undefined): boolean {
  return (
    !f ||
    (f.teams.length === 0 &&
      f.channels.length === 0 &&
      f.excludeChannels.length === 0 &&
      f.channelTypes.length === 0 &&
      f.users.length === 0 &&
      f.notBefore === null &&
      f.notAfter === null)
  );
}

export function parsePolicyFilter(json: string): PolicyFilter {
  return ZPolicyFilter.parse(json ? JSON.parse(json) : {});
}

/** A one-line human summary; `names` maps ids to what people call them. */
export function describeFilter(
  f: PolicyFilter,
  names: (id: string) => string = (id) => id,
): string {
  if (isEmptyFilter(f)) return "all conversations";
  const list = (xs: string[]) => xs.map(names).join(", ");
  const parts: string[] = [];
  if (f.by === "participant") parts.push(`everything ${list(f.users)} could see or wrote`);
  else if (f.users.length) parts.push(`written by ${list(f.users)}`);
  if (f.teams.length) parts.push(`in team${f.teams.length > 1 ? "s" : ""} ${list(f.teams)}`);
  if (f.channels.length) parts.push(`in ${list(f.channels)}`);
  if (f.channelTypes.length)
    parts.push(`${f.channelTypes.map((t) => CHANNEL_TYPE_LABELS[t]).join("/")} channels`);
  if (f.excludeChannels.length) parts.push(`except ${list(f.excludeChannels)}`);
  if (f.notBefore !== null) parts.push(`from ${new Date(f.notBefore).toISOString()}`);
  if (f.notAfter !== null) parts.push(`until ${new Date(f.notAfter).toISOString()}`);
  return parts.join("; ");
}
