import type { PolicyView } from "@/lib/policies/policy-view.ts";
import { WEEKDAYS, type Weekday } from "@/lib/policies/schedule.ts";
import type { ExportFormat } from "@/lib/settings/schema.ts";

/** The form's own shape: text where people type lists and times; turned into the policy schema's input on save. */
export type PolicyFormValues = {
  name: string;
  enabled: boolean;
  format: ExportFormat;
  target: string;
  by: "conversation" | "participant";
  teams: string;
  channels: string;
  excludeChannels: string;
  users: string;
  channelTypes: string[];
  notBefore: string;
  notAfter: string;
  scheduleKind: "daily" | "weekly" | "hours" | "cron";
  at: string;
  days: Weekday[];
  every: string;
  expression: string;
  timeZone: string;
  batchSize: string;
  exportAttachments: boolean;
  decryptAttachments: boolean;
};

const list = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
/** datetime-local is the viewer's wall clock; the policy stores epoch ms. */
const instant = (text: string) => (text ? new Date(text).getTime() : null);
const localInput = (ms: number | null) => {
  if (ms === null) return "";
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

export function toFormValues(
  p: PolicyView | null,
  names: (id: string) => string = (id) => id,
): PolicyFormValues {
  const s = p?.schedule;
  return {
    name: p?.name ?? "",
    enabled: p?.enabled ?? true,
    format: (p?.format as ExportFormat | undefined) ?? "actiance",
    target: p?.targetId ?? "local",
    by: p?.filter.by ?? "conversation",
    teams: (p?.filter.teams ?? []).map(names).join(", "),
    channels: (p?.filter.channels ?? []).map(names).join(", "),
    excludeChannels: (p?.filter.excludeChannels ?? []).map(names).join(", "),
    users: (p?.filter.users ?? []).map(names).join(", "),
    channelTypes: [...(p?.filter.channelTypes ?? [])],
    notBefore: localInput(p?.filter.notBefore ?? null),
    notAfter: localInput(p?.filter.notAfter ?? null),
    scheduleKind: s?.kind ?? "daily",
    at: s && "at" in s ? s.at : "01:00",
    days: s?.kind === "weekly" ? [...s.days] : ["mon"],
    every: s?.kind === "hours" ? String(s.every) : "6",
    expression: s?.kind === "cron" ? s.expression : "0 2 * * *",
    timeZone: p?.timeZone ?? "UTC",
    batchSize: String(p?.batchSize ?? 10000),
    exportAttachments: p?.exportAttachments ?? true,
    decryptAttachments: p?.decryptAttachments ?? true,
  };
}

export function filterOf(v: PolicyFormValues) {
  return {
    by: v.by,
    teams: list(v.teams),
    channels: list(v.channels),
    excludeChannels: list(v.excludeChannels),
    users: list(v.users),
    channelTypes: v.channelTypes,
    notBefore: instant(v.notBefore),
    notAfter: instant(v.notAfter),
  };
}

function scheduleOf(v: PolicyFormValues) {
  switch (v.scheduleKind) {
    case "daily":
      return { kind: "daily", at: v.at };
    case "weekly":
      return { kind: "weekly", days: WEEKDAYS.filter((d) => v.days.includes(d)), at: v.at };
    case "hours":
      return { kind: "hours", every: Number(v.every) };
    case "cron":
      return { kind: "cron", expression: v.expression };
  }
}

/** The policy schema's input (ZPolicyInput / ZPolicyPatch) for these form values. */
export function toPolicyInput(v: PolicyFormValues) {
  return {
    name: v.name,
    enabled: v.enabled,
    format: v.format,
    target: v.target,
    filter: filterOf(v),
    schedule: scheduleOf(v),
    timeZone: v.timeZone,
    batchSize: v.batchSize,
    exportAttachments: v.exportAttachments,
    decryptAttachments: v.decryptAttachments,
  };
}

/** A schema issue's path as the form field that shows it. */
export function formFieldOf(path: string): keyof PolicyFormValues {
  const [head, second] = path.split(".");
  if (head === "filter") return (second ?? "teams") as keyof PolicyFormValues;
  if (head === "schedule")
    return second === "days"
      ? "days"
      : second === "every"
        ? "every"
        : second === "expression"
          ? "expression"
          : "at";
  return (head ?? "name") as keyof PolicyFormValues;
}
