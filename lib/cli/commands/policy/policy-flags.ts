import { z } from "zod";
import type { FlagSpec } from "../../define-command.ts";
import { parseScheduleText } from "../../../policies/schedule.ts";

/** The flags of `policy add` and `policy update` (issue 10): each maps to one field of ZPolicyInput / ZPolicyPatch. */
export const POLICY_FLAGS: Record<string, FlagSpec> = {
  name: { type: "string", value: "N", help: "a unique name" },
  format: {
    type: "string",
    value: "F",
    help: "csv, actiance, globalrelay, globalrelay-zip or json",
  },
  target: { type: "string", value: "T", help: "a target's name or id (target list)" },
  teams: { type: "string", value: "a,b", help: "only these teams (names or ids)" },
  channels: { type: "string", value: "a,b", help: "only these channels (names or ids)" },
  "exclude-channels": { type: "string", value: "a,b", help: "never these channels" },
  "channel-types": { type: "string", value: "O,P,D,G", help: "public, private, direct, group" },
  users: { type: "string", value: "a,b", help: "usernames, emails or ids" },
  by: {
    type: "string",
    value: "conversation|participant",
    help: "participant: everything the users could see when posted, and wrote",
  },
  "not-before": {
    type: "string",
    value: "TIME",
    help: "only messages created at or after TIME (epoch ms or ISO 8601)",
  },
  "not-after": { type: "string", value: "TIME", help: "only messages created at or before TIME" },
  schedule: {
    type: "string",
    value: "S",
    help: '"daily 02:00", "weekly mon,thu 02:00", "every 6h" or "cron 0 2 * * *"',
  },
  "time-zone": {
    type: "string",
    value: "Z",
    help: "IANA time zone of the schedule, e.g. Europe/Berlin (default UTC)",
  },
  "batch-size": { type: "string", value: "N", help: "posts per batch file (default 10000)" },
  attachments: { type: "string", value: "on|off", help: "export attachments (default on)" },
  decrypt: {
    type: "string",
    value: "on|off",
    help: "off: attachments stay encrypted, with encryption.json (zip formats)",
  },
};

const list = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);
const onOff = z.enum(["on", "off"], "give on or off").transform((v) => v === "on");
const time = z.string().transform((v, ctx) => {
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isSafeInteger(ms) || ms < 0) {
    ctx.addIssue({ code: "custom", message: "give epoch milliseconds or an ISO 8601 time" });
    return z.NEVER;
  }
  return ms;
});

export const ZPolicyFlags = z.object({
  name: z.string().optional(),
  format: z.string().optional(),
  target: z.string().optional(),
  teams: list.optional(),
  channels: list.optional(),
  excludeChannels: list.optional(),
  channelTypes: list.optional(),
  users: list.optional(),
  by: z.string().optional(),
  notBefore: time.optional(),
  notAfter: time.optional(),
  schedule: z.string().optional(),
  timeZone: z.string().optional(),
  batchSize: z.string().optional(),
  attachments: onOff.optional(),
  decrypt: onOff.optional(),
});
type Flags = z.output<typeof ZPolicyFlags>;

const FILTER_KEYS = [
  "teams",
  "channels",
  "excludeChannels",
  "channelTypes",
  "users",
  "by",
  "notBefore",
  "notAfter",
] as const;

/** The flags given, as the body ZPolicyInput / ZPolicyPatch parse; filter flags replace the filter's given parts (on update, over `currentFilter`). */
export function policyBody(
  flags: Flags,
  currentFilter?: Record<string, unknown>,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (flags.name !== undefined) body.name = flags.name;
  if (flags.format !== undefined) body.format = flags.format;
  if (flags.target !== undefined) body.target = flags.target;
  if (flags.schedule !== undefined) body.schedule = parseScheduleText(flags.schedule);
  if (flags.timeZone !== undefined) body.timeZone = flags.timeZone;
  if (flags.batchSize !== undefined) body.batchSize = flags.batchSize;
  if (flags.attachments !== undefined) body.exportAttachments = flags.attachments;
  if (flags.decrypt !== undefined) body.decryptAttachments = flags.decrypt;
  if (FILTER_KEYS.some((k) => flags[k] !== undefined)) {
    const filter: Record<string, unknown> = { ...(currentFilter ?? {}) };
    for (const k of FILTER_KEYS) if (flags[k] !== undefined) filter[k] = flags[k];
    body.filter = filter;
  }
  return body;
}
