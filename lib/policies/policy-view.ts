import { db } from "../db/client.ts";
import { describeFilter, type PolicyFilter } from "./policy-filter.ts";
import { describeSchedule, nextSlot, type Schedule } from "./schedule.ts";
import { findPolicy, listPolicies, type Policy } from "./policy-store.ts";

/** A policy as the Policies page, the API and `policy list|show` show it. */
export type PolicyView = {
  id: string;
  name: string;
  enabled: boolean;
  format: string;
  targetId: string;
  targetName: string;
  filter: PolicyFilter;
  filterSummary: string;
  schedule: Schedule;
  scheduleSummary: string;
  timeZone: string;
  batchSize: number;
  exportAttachments: boolean;
  decryptAttachments: boolean;
  exportFrom: number;
  /** ISO time of the next scheduled run; null when disabled. */
  nextRunAt: string | null;
  lastRun: { jobId: string; status: string; finishedAt: string | null } | null;
  /** The update time (epoch ms) up to which the policy's runs have exported; null before its first. */
  exportedUpTo: number | null;
  archivedAt: string | null;
};

export async function listPolicyViews(
  options: { now?: Date; includeArchived?: boolean } = {},
): Promise<PolicyView[]> {
  const policies = await listPolicies({ includeArchived: options.includeArchived });
  return toViews(policies, options.now ?? new Date());
}

/** One policy's view by id or name, or null. */
export async function readPolicyView(
  idOrName: string,
  now = new Date(),
): Promise<PolicyView | null> {
  const policy = await findPolicy(idOrName);
  return policy ? (await toViews([policy], now))[0]! : null;
}

async function toViews(policies: Policy[], now: Date): Promise<PolicyView[]> {
  const ids = policies.map((p) => p.id);
  const [targets, cursors, channels, teams, users] = await Promise.all([
    db().target.findMany({ select: { id: true, name: true } }),
    db().exportCursor.findMany({ where: { policyId: { in: ids } } }),
    db().chatChannel.findMany({
      where: {
        id: { in: policies.flatMap((p) => [...p.filter.channels, ...p.filter.excludeChannels]) },
      },
      select: { id: true, name: true },
    }),
    db().chatTeam.findMany({
      where: { id: { in: policies.flatMap((p) => p.filter.teams) } },
      select: { id: true, name: true },
    }),
    db().chatUser.findMany({
      where: { id: { in: policies.flatMap((p) => p.filter.users) } },
      select: { id: true, username: true },
    }),
  ]);
  const names = new Map<string, string>([
    ...channels.map((c) => [c.id, `#${c.name}`] as const),
    ...teams.map((t) => [t.id, t.name] as const),
    ...users.map((u) => [u.id, `@${u.username}`] as const),
  ]);
  const targetName = new Map(targets.map((t) => [t.id, t.name]));
  const cursorOf = new Map(cursors.map((c) => [c.policyId, c]));
  const views: PolicyView[] = [];
  for (const p of policies) {
    const last = await db().exportJob.findFirst({
      where: { policyId: p.id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: { id: true, status: true, finishedAt: true },
    });
    const cursor = cursorOf.get(p.id);
    const next = p.enabled && !p.archivedAt ? nextSlot(p.id, p.schedule, p.timeZone, now) : null;
    views.push({
      id: p.id,
      name: p.name,
      enabled: p.enabled,
      format: p.format,
      targetId: p.targetId,
      targetName: targetName.get(p.targetId) ?? p.targetId,
      filter: p.filter,
      filterSummary: describeFilter(p.filter, (id) => names.get(id) ?? id),
      schedule: p.schedule,
      scheduleSummary: describeSchedule(p.schedule),
      timeZone: p.timeZone,
      batchSize: p.batchSize,
      exportAttachments: p.exportAttachments,
      decryptAttachments: p.decryptAttachments,
      exportFrom: p.exportFrom,
      nextRunAt: next ? next.at.toISOString() : null,
      lastRun: last
        ? {
            jobId: last.id,
            status: last.status,
            finishedAt: last.finishedAt?.toISOString() ?? null,
          }
        : null,
      exportedUpTo: cursor ? Number(cursor.lastUpdateAt) : null,
      archivedAt: p.archivedAt?.toISOString() ?? null,
    });
  }
  return views;
}
