import { db } from "../db/client.ts";
import {
  configDiffRows,
  describeAuditRecord,
  type AuditRecordJson,
  type ConfigDiffRow,
} from "./describe-audit-record.ts";
import { queryAudits, type AuditPage } from "./query-audits.ts";
import type { TAuditQuery } from "./schema.ts";

export type AuditLogRow = {
  id: number;
  at: number;
  event: string;
  status: string;
  /** The admin's email, or the component (scheduler, cli, ingest-token:…) for non-admin actors. */
  actor: string;
  actorId: string;
  ipAddress: string;
  client: string;
  line: string;
  diffs: ConfigDiffRow[];
  json: string;
};

/** The audit log page: one page of records, each with its actor's email and a plain-language line. */
export async function readAuditLogPage(
  query: TAuditQuery,
): Promise<Omit<AuditPage, "records"> & { rows: AuditLogRow[] }> {
  const page = await queryAudits(query);
  const records = page.records.map((r) => ({
    id: r.id,
    rec: JSON.parse(r.json) as AuditRecordJson,
  }));
  const ids = [...new Set(records.map((r) => r.rec.actor.user_id).filter((id) => id !== ""))];
  const users = ids.length
    ? await db().adminUser.findMany({
        where: { id: { in: ids } },
        select: { id: true, email: true },
      })
    : [];
  const email = new Map(users.map((u) => [u.id, u.email]));
  const { records: _records, ...rest } = page;
  return {
    ...rest,
    rows: records.map(({ id, rec }) => {
      const actor = rec.actor.user_id
        ? (email.get(rec.actor.user_id) ?? `removed admin ${rec.actor.user_id.slice(0, 8)}`)
        : componentName(rec.actor.client);
      return {
        id,
        at: Date.parse(rec.timestamp.replace(" Z", "Z").replace(" ", "T")),
        event: rec.event_name,
        status: rec.status,
        actor,
        actorId: rec.actor.user_id,
        ipAddress: rec.actor.ip_address,
        client: rec.actor.client,
        line: describeAuditRecord(rec, actor),
        diffs: configDiffRows(rec),
        json: JSON.stringify(rec, null, 2),
      };
    }),
  };
}

/** A signed-out or component actor: "scheduler", "cli", "ingest token …"; a browser is "someone". */
function componentName(client: string): string {
  if (/^(scheduler|cli|worker|retention|maintenance)\b/.test(client)) return client;
  if (client.startsWith("ingest-token:"))
    return `ingest token "${client.slice("ingest-token:".length)}"`;
  return "someone (not signed in)";
}
