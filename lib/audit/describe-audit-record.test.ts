// The audit log page's plain-language lines and before/after tables (issue 12 item 7).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  configDiffRows,
  describeAuditRecord,
  settingLabel,
  type AuditRecordJson,
} from "./describe-audit-record.ts";

function rec(partial: {
  event: string;
  status?: string;
  parameters?: Record<string, unknown>;
  prior?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: string;
}): AuditRecordJson {
  return {
    timestamp: "2026-05-01 10:00:00.000 Z",
    event_name: partial.event,
    status: partial.status ?? "success",
    actor: { user_id: "u1", client: "Mozilla/5.0", ip_address: "10.0.0.1" },
    event: {
      parameters: partial.parameters ?? {},
      prior_state: partial.prior ?? {},
      resulting_state: partial.result ?? {},
      object_type: "x",
    },
    meta: { api_path: "/x" },
    error: partial.error ? { description: partial.error, status_code: 403 } : {},
  };
}

test("a settings change reads as 'changed Export Format from CSV to Actiance XML', with a row per diff", () => {
  const r = rec({
    event: "patchConfig",
    prior: {
      config_diffs: [
        { path: "MessageExportSettings.ExportFormat", base_val: "csv", actual_val: "actiance" },
        { path: "MessageExportSettings.DailyRunTime", base_val: "01:00", actual_val: "02:30" },
        {
          path: "MessageExportSettings.GlobalRelaySettings.SMTPPassword",
          base_val: "",
          actual_val: "********************************",
        },
      ],
    },
  });
  assert.equal(
    describeAuditRecord(r, "alice@example.com"),
    "alice@example.com changed Export Format from CSV to Actiance XML and 2 more settings",
  );
  assert.deepEqual(configDiffRows(r), [
    { setting: "Export Format", before: "CSV", after: "Actiance XML" },
    { setting: "Daily Run Time", before: "01:00", after: "02:30" },
    { setting: "SMTP Password", before: "(empty)", after: "********************************" },
  ]);
});

test("labels split camel case and keep acronyms", () => {
  assert.equal(
    settingLabel("MessageExportSettings.GlobalRelaySettings.SMTPServerTimeout"),
    "SMTP Server Timeout",
  );
  assert.equal(settingLabel("EnableExport"), "Enable Export");
});

test("job, admin and session events read as sentences; refusals say why", () => {
  const cases: Array<[AuditRecordJson, string]> = [
    [
      rec({ event: "createJob", result: { job_id: "0123456789abcdef", format: "csv" } }),
      "bob started an export job (csv) 01234567",
    ],
    [
      rec({ event: "cancelJob", parameters: { job_id: "fedcba9876543210" } }),
      "bob canceled job fedcba98",
    ],
    [
      rec({
        event: "updateJobStatus",
        parameters: { job_id: "abcdef0123" },
        prior: { status: "in_progress" },
        result: { status: "error" },
      }),
      "bob moved job abcdef01 from in_progress to error",
    ],
    [
      rec({
        event: "deleteUser",
        parameters: { mode: "remove" },
        result: { email: "carol@example.com" },
      }),
      "bob removed the admin carol@example.com",
    ],
    [
      rec({
        event: "updateUserRoles",
        result: { email: "carol@example.com", rights: ["audit", "download"] },
      }),
      "bob changed the rights of carol@example.com to audit, download",
    ],
    [
      rec({
        event: "login",
        status: "fail",
        parameters: { email: "eve@example.com" },
        error: "invalid credentials",
      }),
      "bob tried to sign in as eve@example.com — refused: invalid credentials",
    ],
    [
      rec({ event: "downloadComplianceReport", parameters: { job_id: "0123456789", batch: 2 } }),
      "bob downloaded export 01234567 (batch 2)",
    ],
    [rec({ event: "getAudits", parameters: { download: "csv" } }), "bob downloaded the audit log"],
  ];
  for (const [r, line] of cases) assert.equal(describeAuditRecord(r, "bob"), line);
});

test("a settings save with no diff, and a refused one, say so", () => {
  assert.equal(
    describeAuditRecord(rec({ event: "patchConfig" }), "a"),
    "a saved the settings without changes",
  );
  assert.equal(
    describeAuditRecord(
      rec({ event: "patchConfig", status: "fail", error: "Some values are not valid" }),
      "a",
    ),
    "a tried to change the settings — refused: Some values are not valid",
  );
});

test("attachment key events read as sentences naming key ids and counts", () => {
  const cases: Array<[AuditRecordJson, string]> = [
    [
      rec({ event: "createAttachmentKey", result: { key_id: "k1" } }),
      "worker created the attachment key k1",
    ],
    [
      rec({
        event: "rotateAttachmentKey",
        result: { key_id: "k3", rewrapped: 120, retired: ["k1", "k2"], finished: true },
      }),
      "worker rotated the attachment keys to k3 (120 files re-wrapped, k1, k2 retired)",
    ],
    [
      rec({ event: "exportAttachmentKey", parameters: { key_id: "k2", out: "/secure/k2.jwk" } }),
      "worker exported the attachment key k2 to a key file",
    ],
    [
      rec({
        event: "exportAttachmentKey",
        status: "fail",
        parameters: { id: "k2", out: "/secure/k2.jwk", passwordStdin: true },
        error: "That is not the owner's password.",
      }),
      "worker tried to export the attachment key k2 — refused: That is not the owner's password.",
    ],
    [
      rec({ event: "encryptFileStore", result: { encrypted: 40, mismatched: 0, remaining: 0 } }),
      "worker encrypted 40 stored attachments written before encryption",
    ],
  ];
  for (const [r, line] of cases) assert.equal(describeAuditRecord(r, "worker"), line);
});
