import { randomUUID } from "node:crypto";
import type { ConfigDiff } from "../audit/record.ts";
import { db, type Tx } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { configDiffs } from "../settings/config-diff.ts";
import type { ExportFormat } from "../settings/schema.ts";
import type { PolicyFilter } from "./policy-filter.ts";
import type { TPolicyParsed, TPolicyPatch } from "./policy-schema.ts";
import {
  DEFAULT_POLICY_ID,
  loadPolicy,
  toPolicy,
  policyData,
  type Policy,
} from "./policy-store.ts";

export type SavedPolicy = { before: Policy | null; after: Policy; diffs: ConfigDiff[] };

const refuse = (field: string, message: string, status = 400) =>
  new UserError(message, status, { [field]: message });

/** Adds a policy. Its name is unique, archived policies' names included; enabled, it exports from now on. */
export async function createPolicy(options: {
  input: TPolicyParsed;
  now?: Date;
}): Promise<SavedPolicy> {
  const now = options.now ?? new Date();
  const { input } = options;
  return db().$transaction(async (tx) => {
    await checkName(tx, input.name, null);
    const targetId = await checkTarget(tx, input.target, input.format, null);
    const filter = await resolveFilter(tx, input.filter);
    const data = policyData({
      ...input,
      targetId,
      filter,
      exportFrom: input.enabled ? now.getTime() : 0,
      archivedAt: null,
      missedAlertAt: null,
    });
    const after = toPolicy(await tx.exportPolicy.create({ data: { id: randomUUID(), ...data } }));
    return { before: null, after, diffs: configDiffs("ExportPolicy", {}, auditShape(after)) };
  });
}

/** Changes a policy; the first time it is enabled, that moment becomes its "export from". Disabling keeps its cursor. */
export async function patchPolicy(options: {
  id: string;
  patch: TPolicyPatch;
  now?: Date;
}): Promise<SavedPolicy> {
  const now = options.now ?? new Date();
  const { patch } = options;
  return db().$transaction(async (tx) => {
    const before = await loadPolicy(options.id, tx);
    if (!before || before.archivedAt) throw new UserError("No such export policy.", 404);
    if (patch.name !== undefined && patch.name !== before.name) {
      if (before.id === DEFAULT_POLICY_ID)
        throw refuse("name", "The default policy keeps its name.");
      await checkName(tx, patch.name, before.id);
    }
    const format: ExportFormat = patch.format ?? before.format;
    const decrypt = patch.decryptAttachments ?? before.decryptAttachments;
    if (!decrypt && (format === "globalrelay" || format === "globalrelay-zip"))
      throw refuse(
        "decryptAttachments",
        "Global Relay emails carry attachments decrypted; keep them encrypted only in a zip format.",
      );
    const targetId =
      patch.target !== undefined || patch.format !== undefined
        ? await checkTarget(tx, patch.target ?? before.targetId, format, before.targetId)
        : before.targetId;
    const filter = patch.filter ? await resolveFilter(tx, patch.filter) : before.filter;
    const enabled = patch.enabled ?? before.enabled;
    const next: Policy = {
      ...before,
      name: patch.name ?? before.name,
      enabled,
      format,
      targetId,
      filter,
      schedule: patch.schedule ?? before.schedule,
      timeZone: patch.timeZone ?? before.timeZone,
      batchSize: patch.batchSize ?? before.batchSize,
      exportAttachments: patch.exportAttachments ?? before.exportAttachments,
      decryptAttachments: decrypt,
      exportFrom: enabled && before.exportFrom === 0 ? now.getTime() : before.exportFrom,
    };
    const diffs = configDiffs("ExportPolicy", auditShape(before), auditShape(next));
    if (diffs.length === 0) return { before, after: before, diffs };
    const data = policyData(next);
    const after = toPolicy(
      await tx.exportPolicy.upsert({
        where: { id: before.id },
        create: { id: before.id, ...data },
        update: data,
      }),
    );
    return { before, after, diffs };
  });
}

/** Removes a policy from use: it is archived (its jobs and exports stay, its name stays taken) and stops running. */
export async function archivePolicy(options: { id: string; now?: Date }): Promise<Policy> {
  const now = options.now ?? new Date();
  if (options.id === DEFAULT_POLICY_ID)
    throw new UserError("The default policy cannot be removed; disable it instead.", 409);
  const before = await loadPolicy(options.id);
  if (!before || before.archivedAt) throw new UserError("No such export policy.", 404);
  return toPolicy(
    await db().exportPolicy.update({
      where: { id: before.id },
      data: { archivedAt: now, enabled: false },
    }),
  );
}

/** What an audit record and a diff show of a policy. */
export function auditShape(p: Policy) {
  return {
    name: p.name,
    enabled: p.enabled,
    format: p.format,
    targetId: p.targetId,
    filter: p.filter,
    schedule: p.schedule,
    timeZone: p.timeZone,
    batchSize: p.batchSize,
    exportAttachments: p.exportAttachments,
    decryptAttachments: p.decryptAttachments,
  };
}

async function checkName(tx: Tx, name: string, id: string | null): Promise<void> {
  const clash = await tx.exportPolicy.findUnique({
    where: { name },
    select: { id: true, archivedAt: true },
  });
  if (clash && clash.id !== id)
    throw refuse(
      "name",
      clash.archivedAt
        ? `The name "${name}" belongs to a removed policy (its exports keep it); choose another.`
        : `A policy named "${name}" exists already.`,
      409,
    );
  if (name === DEFAULT_POLICY_ID && id !== DEFAULT_POLICY_ID)
    throw refuse(
      "name",
      `"${DEFAULT_POLICY_ID}" is the Compliance Export's policy; choose another name.`,
      409,
    );
}

/** The target by id or name, suited to the format: the Global Relay format to an archive mailbox, the others to files. */
async function checkTarget(
  tx: Tx,
  value: string,
  format: ExportFormat,
  current: string | null,
): Promise<string> {
  const found =
    (await tx.target.findUnique({ where: { id: value } })) ??
    (await tx.target.findUnique({ where: { name: value } }));
  if (!found)
    throw refuse("target", `There is no target "${value}". Add it on the Targets page first.`);
  const mailbox = found.kind === "smtp";
  if (format === "globalrelay" && !mailbox)
    throw refuse(
      "target",
      `The Global Relay format delivers to an archive mailbox; "${found.name}" is not one.`,
    );
  if (format !== "globalrelay" && mailbox)
    throw refuse(
      "target",
      `"${found.name}" is an archive mailbox; the ${format} format writes files to a local directory or an S3 bucket.`,
    );
  if (found.disabled && found.id !== current)
    throw refuse("target", `"${found.name}" is disabled.`);
  return found.id;
}

/** Teams, channels and users given by id or name become ids; a name that matches nothing is refused. */
export async function resolveFilter(tx: Tx, f: PolicyFilter): Promise<PolicyFilter> {
  const resolve = async (
    field: string,
    values: string[],
    find: (v: string) => Promise<string[]>,
  ) => {
    const out: string[] = [];
    for (const v of values) {
      const ids = await find(v);
      if (ids.length === 0)
        throw refuse(
          `filter.${field}`,
          `No ${field === "users" ? "user" : field === "teams" ? "team" : "channel"} "${v}".`,
        );
      for (const id of ids) if (!out.includes(id)) out.push(id);
    }
    return out;
  };
  const team = async (v: string) =>
    (
      await tx.chatTeam.findMany({ where: { OR: [{ id: v }, { name: v }] }, select: { id: true } })
    ).map((r) => r.id);
  const channel = async (v: string) =>
    (
      await tx.chatChannel.findMany({
        where: { OR: [{ id: v }, { name: v }] },
        select: { id: true },
      })
    ).map((r) => r.id);
  const user = async (v: string) =>
    (
      await tx.chatUser.findMany({
        where: { OR: [{ id: v }, { username: v }, { email: v }] },
        select: { id: true },
      })
    ).map((r) => r.id);
  return {
    ...f,
    teams: await resolve("teams", f.teams, team),
    channels: await resolve("channels", f.channels, channel),
    excludeChannels: await resolve("excludeChannels", f.excludeChannels, channel),
    users: await resolve("users", f.users, user),
  };
}
