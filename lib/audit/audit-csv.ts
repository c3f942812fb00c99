import type { AuditRecordJson } from "./describe-audit-record.ts";

export const AUDIT_CSV_HEADER = [
  "timestamp",
  "event_name",
  "status",
  "actor_user_id",
  "actor_client",
  "actor_ip_address",
  "object_type",
  "api_path",
  "error",
  "parameters",
  "prior_state",
  "resulting_state",
];

/** RFC 4180: quote fields with a comma, quote or line break; double the quotes. */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function auditCsvLine(cells: string[]): string {
  return cells.map(field).join(",") + "\r\n";
}

/** One audit record as a CSV row (the state objects stay JSON inside their cells). */
export function auditCsvRow(json: string): string {
  const r = JSON.parse(json) as AuditRecordJson;
  return auditCsvLine([
    r.timestamp,
    r.event_name,
    r.status,
    r.actor.user_id,
    r.actor.client,
    r.actor.ip_address,
    r.event.object_type,
    r.meta.api_path,
    r.error.description ?? "",
    JSON.stringify(r.event.parameters),
    JSON.stringify(r.event.prior_state),
    JSON.stringify(r.event.resulting_state),
  ]);
}
