import { db, type Tx } from "../db/client.ts";
import { defaultExportSettings, EXPORT_FORMATS, type ExportFormat } from "../settings/schema.ts";
import { parsePolicyFilter, type PolicyFilter } from "./policy-filter.ts";
import { ZSchedule, type Schedule } from "./schedule.ts";

/** The Compliance Export page's policy: its cursor, jobs and slots carry this id. */
export const DEFAULT_POLICY_ID = "default";

export type Policy = {
  id: string;
  name: string;
  enabled: boolean;
  format: ExportFormat;
  targetId: string;
  filter: PolicyFilter;
  schedule: Schedule;
  timeZone: string;
  batchSize: number;
  exportAttachments: boolean;
  decryptAttachments: boolean;
  /** Epoch ms; 0 until first enabled. */
  exportFrom: number;
  archivedAt: Date | null;
  missedAlertAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

type Row = NonNullable<Awaited<ReturnType<ReturnType<typeof db>["exportPolicy"]["findUnique"]>>>;

export function toPolicy(row: Row): Policy {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    format: (EXPORT_FORMATS as readonly string[]).includes(row.format)
      ? (row.format as ExportFormat)
      : "actiance",
    targetId: row.targetId,
    filter: parsePolicyFilter(row.filter),
    schedule: ZSchedule.parse(JSON.parse(row.schedule)),
    timeZone: row.timeZone,
    batchSize: row.batchSize,
    exportAttachments: row.exportAttachments,
    decryptAttachments: row.decryptAttachments,
    exportFrom: Number(row.exportFrom),
    archivedAt: row.archivedAt,
    missedAlertAt: row.missedAlertAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** What the default policy is before anything was saved: today's default export settings. */
export function unsavedDefaultPolicy(): Policy {
  const d = defaultExportSettings();
  const epoch = new Date(0);
  return {
    id: DEFAULT_POLICY_ID,
    name: DEFAULT_POLICY_ID,
    enabled: d.EnableExport,
    format: d.ExportFormat,
    targetId: d.Destination,
    filter: parsePolicyFilter("{}"),
    schedule: { kind: "daily", at: d.DailyRunTime },
    timeZone: d.TimeZone,
    batchSize: d.BatchSize,
    exportAttachments: d.ExportAttachments,
    decryptAttachments: true,
    exportFrom: d.ExportFromTimestamp,
    archivedAt: null,
    missedAlertAt: null,
    createdAt: epoch,
    updatedAt: epoch,
  };
}

/** A policy by id (archived ones too); the default one exists even before it is first saved. */
export async function loadPolicy(id: string, tx: Tx = db()): Promise<Policy | null> {
  const row = await tx.exportPolicy.findUnique({ where: { id } });
  if (row) return toPolicy(row);
  return id === DEFAULT_POLICY_ID ? unsavedDefaultPolicy() : null;
}

/** A policy by id or by name. */
export async function findPolicy(idOrName: string, tx: Tx = db()): Promise<Policy | null> {
  const row =
    (await tx.exportPolicy.findUnique({ where: { id: idOrName } })) ??
    (await tx.exportPolicy.findUnique({ where: { name: idOrName } }));
  if (row) return toPolicy(row);
  return idOrName === DEFAULT_POLICY_ID ? unsavedDefaultPolicy() : null;
}

/** The policies that are not archived, the default one first, then by name. */
export async function listPolicies(
  options: { includeArchived?: boolean } = {},
  tx: Tx = db(),
): Promise<Policy[]> {
  const rows = await tx.exportPolicy.findMany({
    where: options.includeArchived ? {} : { archivedAt: null },
    orderBy: { name: "asc" },
  });
  const policies = rows.map(toPolicy);
  if (!policies.some((p) => p.id === DEFAULT_POLICY_ID)) policies.unshift(unsavedDefaultPolicy());
  return [
    ...policies.filter((p) => p.id === DEFAULT_POLICY_ID),
    ...policies.filter((p) => p.id !== DEFAULT_POLICY_ID),
  ];
}

/** The stored columns of a policy (create or update). */
export function policyData(p: Omit<Policy, "id" | "createdAt" | "updatedAt">) {
  return {
    name: p.name,
    enabled: p.enabled,
    format: p.format,
    targetId: p.targetId,
    filter: JSON.stringify(p.filter),
    schedule: JSON.stringify(p.schedule),
    timeZone: p.timeZone,
    batchSize: p.batchSize,
    exportAttachments: p.exportAttachments,
    decryptAttachments: p.decryptAttachments,
    exportFrom: BigInt(p.exportFrom),
    archivedAt: p.archivedAt,
    missedAlertAt: p.missedAlertAt,
  };
}

export async function writePolicy(
  p: Omit<Policy, "createdAt" | "updatedAt">,
  tx: Tx = db(),
): Promise<Policy> {
  const data = policyData(p);
  return toPolicy(
    await tx.exportPolicy.upsert({
      where: { id: p.id },
      create: { id: p.id, ...data },
      update: data,
    }),
  );
}
