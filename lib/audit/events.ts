import { z } from "zod";

/** Every audited action, by Mattermost's event name (AUDIT-LOG.md). */
export const ZAuditEventName = z.enum([
  /** A session was created by signing in (or the first-run set-up). */
  "login",
  /** A session was ended by its owner. */
  "logout",
  /** Export settings were read. */
  "getConfig",
  /** Some export settings were changed. */
  "patchConfig",
  /** All export settings were replaced (CLI `config set` of a whole document). */
  "updateConfig",
  /** An export job was created (run now, request, API, CLI, scheduler). */
  "createJob",
  /** A job was asked to stop. */
  "cancelJob",
  /** The worker moved a job to another status. */
  "updateJobStatus",
  /** The list of exports was read. */
  "getComplianceReports",
  /** One export's details were read. */
  "getComplianceReport",
  /** Export files were downloaded. */
  "downloadComplianceReport",
  /** A signed download link was issued. */
  "generatePresignURLExport",
  /** Export files were deleted (by hand or by the retention sweep). */
  "deleteExport",
  /** An admin account was created (including the owner at set-up). */
  "createUser",
  /** An admin account was removed or deactivated. */
  "deleteUser",
  /** Rights were granted or revoked. */
  "updateUserRoles",
  /** A password was changed. */
  "updatePassword",
  /** A session was revoked by someone else. */
  "revokeSession",
  /** The audit log was read or downloaded. */
  "getAudits",
  /** Export policies. */
  "createPolicy",
  "patchPolicy",
  "deletePolicy",
  /** An export policy's "Run now" (console, API, CLI): a job continuing the policy's cursor; Custodian's own event. */
  "runPolicy",
  /** Chat data was imported (ingest API, CLI ingest, Mattermost bulk import). */
  "bulkImport",
  /** An SMTP connection test or test email (Global Relay or notifications); Custodian's own event. */
  "testSmtpConnection",
  /** A server action sent from another site was refused (CSRF); Custodian's own event. */
  "crossSiteRequest",
  /** An ingest token was created or revoked. */
  "createIngestToken",
  "revokeIngestToken",
  /** An admin API token was created or revoked. */
  "createApiToken",
  "revokeApiToken",
  /** An export target (local directory, S3 bucket, archive mailbox) was added, changed or removed; Custodian's own events. */
  "createTarget",
  "patchTarget",
  "deleteTarget",
  /** A target's "Test connection" (S3: a probe object written, read back and deleted; SMTP: a session without mail). */
  "testTargetConnection",
  /** An export was put on legal hold, or released from it (it never expires while held). */
  "holdExport",
  "releaseExport",
  /** An admin API token's first use of the day (UTC); later calls that day are audited as their own events only. */
  "useApiToken",
  /** Attachment encryption (docs/attachment-encryption.md); Custodian's own events. The first attachment key was made. */
  "createAttachmentKey",
  /** `keys rotate`: a new attachment key, every stored file's data key re-wrapped under it, the old keys retired. */
  "rotateAttachmentKey",
  /** `keys export`: the owner wrote an attachment key to a key file. */
  "exportAttachmentKey",
  /** The store migration encrypted files stored before encryption (`keys encrypt-store` or the worker). */
  "encryptFileStore",
  /** `verify --repair` wrote a missing manifest for an export whose batches were intact; Custodian's own event. */
  "repairExportManifest",
  /** "Retry failed deliveries": the emails the archive refused were sent again; Custodian's own event. */
  "retryDeliveries",
]);
export type AuditEventName = z.infer<typeof ZAuditEventName>;

export const AUDIT_OBJECT_TYPES = [
  "session",
  "config",
  "job",
  "export",
  "user",
  "audit",
  "policy",
  "import",
  "token",
  "target",
  "key",
] as const;
export type AuditObjectType = (typeof AUDIT_OBJECT_TYPES)[number];
