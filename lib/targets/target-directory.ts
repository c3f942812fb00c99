import { env } from "../config/env.ts";
import { db } from "../db/client.ts";

/** What job views need of each target: its name (for people) and how long exports stay on it. */
export type TargetSummary = { name: string; kind: string; retentionDays: number | null };

/** Every target's name and retention, by id (one small query; no secret is opened). */
export async function loadTargetDirectory(): Promise<Map<string, TargetSummary>> {
  const rows = await db().target.findMany({
    select: { id: true, name: true, kind: true, config: true },
  });
  return new Map(
    rows.map((r) => [r.id, { name: r.name, kind: r.kind, retentionDays: retentionOfRow(r) }]),
  );
}

/** Local directories (and the evidence a mailbox leaves locally) keep CUSTODIAN_RETENTION_DAYS; an S3 target its "delete after" days (null: never). */
export function retentionOfRow(row: { kind: string; config: string }): number | null {
  if (row.kind !== "s3") return env().CUSTODIAN_RETENTION_DAYS;
  const days = (JSON.parse(row.config || "{}") as { deleteAfterDays?: number | null })
    .deleteAfterDays;
  return typeof days === "number" ? days : null;
}

/** The retention of a job's target; a target the directory does not know keeps the local default. */
export function retentionFor(
  targetId: string,
  directory?: Map<string, TargetSummary>,
): number | null {
  const known = directory?.get(targetId);
  return known ? known.retentionDays : env().CUSTODIAN_RETENTION_DAYS;
}
