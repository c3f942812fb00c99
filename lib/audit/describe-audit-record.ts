/** The parts of an audit record (AUDIT-LOG.md) the plain-language line reads. */
export type AuditRecordJson = {
  timestamp: string;
  event_name: string;
  status: string;
  actor: { user_id: string; session_id?: string; client: string; ip_address: string };
  event: {
    parameters: Record<string, unknown>;
    prior_state: Record<string, unknown>;
    resulting_state: Record<string, unknown>;
    object_type: string;
  };
  meta: { api_path: string };
  error: { description?: string; status_code?: number };
};

export type ConfigDiffRow = { setting: string; before: string; after: string };

const VALUE_LABELS: Record<string, Record<string, string>> = {
  ExportFormat: {
    csv: "CSV",
    actiance: "Actiance XML",
    globalrelay: "Global Relay EML",
    "globalrelay-zip": "Global Relay EML (zip)",
    json: "JSON (RingCentral layout)",
  },
  CustomerType: { A9: "A9/Type 9", A10: "A10/Type 10", CUSTOM: "Custom" },
};

/** "MessageExportSettings.GlobalRelaySettings.SMTPServerTimeout" → "SMTP Server Timeout". */
export function settingLabel(path: string): string {
  const leaf = path.slice(path.lastIndexOf(".") + 1);
  return leaf.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2");
}

function valueLabel(path: string, value: unknown): string {
  const leaf = path.slice(path.lastIndexOf(".") + 1);
  if (value === undefined || value === null || value === "") return "(empty)";
  if (typeof value === "string") return VALUE_LABELS[leaf]?.[value] ?? value;
  if (typeof value === "number" && /Timestamp$/.test(leaf)) return new Date(value).toISOString();
  return JSON.stringify(value);
}

/** config_diffs as rows of a before/after table. */
export function configDiffRows(record: AuditRecordJson): ConfigDiffRow[] {
  const diffs = record.event.prior_state.config_diffs;
  if (!Array.isArray(diffs)) return [];
  return diffs.map((d: { path?: string; base_val?: unknown; actual_val?: unknown }) => ({
    setting: settingLabel(String(d.path ?? "")),
    before: valueLabel(String(d.path ?? ""), d.base_val),
    after: valueLabel(String(d.path ?? ""), d.actual_val),
  }));
}

const str = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "");
const short = (id: string) => (id.length > 8 ? id.slice(0, 8) : id);

/**
 * One sentence a person reads instead of the JSON: "alice@example.com changed Export Format from
 * CSV to Actiance XML". `actor` is how to name who did it (an email, or the component).
 */
export function describeAuditRecord(record: AuditRecordJson, actor: string): string {
  const p = record.event.parameters;
  const r = record.event.resulting_state;
  const prior = record.event.prior_state;
  const jobId = str(p.job_id) || str(r.job_id);
  let what: string;
  switch (record.event_name) {
    case "login":
      what =
        record.status === "success"
          ? "signed in"
          : `tried to sign in as ${str(p.email) || "someone"}`;
      break;
    case "logout":
      what = "signed out";
      break;
    case "getConfig":
      what = "viewed the export settings";
      break;
    case "patchConfig":
    case "updateConfig": {
      const rows = configDiffRows(record);
      const first = rows[0];
      what = !first
        ? "saved the settings without changes"
        : `changed ${first.setting} from ${first.before} to ${first.after}${rows.length > 1 ? ` and ${rows.length - 1} more setting${rows.length > 2 ? "s" : ""}` : ""}`;
      if (record.status !== "success") what = "tried to change the settings";
      break;
    }
    case "createJob":
      what = p.retry_of
        ? `retried job ${short(str(p.retry_of))}`
        : `started an export job${str(r.format) || str(p.format) ? ` (${str(r.format) || str(p.format)})` : ""}${jobId ? ` ${short(jobId)}` : ""}`;
      break;
    case "cancelJob":
      what = `canceled job ${short(jobId)}`;
      break;
    case "updateJobStatus":
      what = `moved job ${short(jobId)} from ${str(prior.status) || "?"} to ${str(r.status) || "?"}`;
      break;
    case "getComplianceReports":
      what = "listed the export jobs";
      break;
    case "getComplianceReport":
      what = p.verify ? `verified job ${short(jobId)}` : `viewed job ${short(jobId)}`;
      break;
    case "downloadComplianceReport":
      what = `downloaded export ${short(jobId)}${p.batch ? ` (batch ${str(p.batch)})` : ""}`;
      break;
    case "generatePresignURLExport":
      what = `created a download link for export ${short(jobId)}`;
      break;
    case "deleteExport":
      what = `deleted the files of export ${short(jobId)}`;
      break;
    case "createUser":
      what = `added the admin ${str(r.email) || str(p.email)}`;
      break;
    case "deleteUser":
      what = `${p.mode === "deactivate" ? "deactivated" : "removed"} the admin ${str(r.email) || short(str(p.user_id))}`;
      break;
    case "updateUserRoles":
      what =
        p.mode === "reactivate"
          ? `reactivated the admin ${str(r.email)}`
          : `changed the rights of ${str(r.email) || short(str(p.user_id))}${Array.isArray(r.rights) ? ` to ${(r.rights as string[]).join(", ") || "none"}` : ""}`;
      break;
    case "updatePassword":
      what = p.mode ? `issued a set-password link for ${str(r.email)}` : "changed a password";
      break;
    case "revokeSession":
      what = `ended the sessions of ${short(str(p.user_id))}`;
      break;
    case "getAudits":
      what = p.download ? "downloaded the audit log" : "viewed the audit log";
      break;
    case "bulkImport":
      what = "imported chat data";
      break;
    case "testSmtpConnection":
      what = "tested an SMTP connection";
      break;
    case "createIngestToken":
      what = `created the ingest token ${str(r.name) || str(p.name)}`;
      break;
    case "revokeIngestToken":
      what = "revoked an ingest token";
      break;
    case "createAttachmentKey":
      what = `created the attachment key ${str(r.key_id)}`;
      break;
    case "rotateAttachmentKey":
      what =
        record.status === "success"
          ? `rotated the attachment keys to ${str(r.key_id)} (${str(r.rewrapped) || "0"} files re-wrapped${Array.isArray(r.retired) && r.retired.length ? `, ${(r.retired as string[]).join(", ")} retired` : ""})`
          : "tried to rotate the attachment keys";
      break;
    case "exportAttachmentKey":
      what = `${record.status === "success" ? "exported" : "tried to export"} the attachment key ${str(p.key_id) || str(p.id)}${record.status === "success" ? " to a key file" : ""}`;
      break;
    case "repairExportManifest":
      what = `wrote the missing manifest of export ${short(jobId)}`;
      break;
    case "retryDeliveries":
      what =
        record.status === "success"
          ? `retried the refused deliveries of job ${short(jobId)} (${str(r.delivered) || "0"} accepted, ${str(r.refused) || "0"} refused again)`
          : `tried to retry the refused deliveries of job ${short(jobId)}`;
      break;
    case "encryptFileStore":
      what = `encrypted ${str(r.encrypted) || "0"} stored attachments written before encryption`;
      break;
    case "createPolicy":
      what = `added the export policy ${str(r.name) || str(p.name)}`;
      break;
    case "patchPolicy":
      what = `changed the export policy ${str(r.name) || str(p.policy_id)}`;
      break;
    case "deletePolicy":
      what = `removed the export policy ${str(prior.name) || str(p.policy_id)}`;
      break;
    case "runPolicy":
      what = `ran the export policy ${str(r.name) || str(p.policy_id)} now`;
      break;
    case "createTarget":
      what = `added the export target ${str(r.name) || str(p.name)}${str(r.destination) ? ` (${str(r.destination)})` : ""}`;
      break;
    case "patchTarget":
      what = `changed the export target ${str(r.name) || str(p.name)}`;
      break;
    case "deleteTarget":
      what = `removed the export target ${str(prior.name) || str(p.target_id)}`;
      break;
    case "testTargetConnection":
      what = `tested the connection of the export target ${str(p.name) || str(p.target_id)}`;
      break;
    case "holdExport":
      what = `put export ${short(jobId)} on legal hold${str(p.reason) ? `: ${str(p.reason)}` : ""}`;
      break;
    case "releaseExport":
      what = `released export ${short(jobId)} from legal hold`;
      break;
    default:
      what = record.event_name;
  }
  const refused =
    record.status === "fail"
      ? ` — refused${record.error.description ? `: ${record.error.description}` : ""}`
      : "";
  return `${actor} ${what}${refused}`;
}
