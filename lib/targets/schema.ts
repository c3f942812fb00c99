import { z } from "zod";
import type { AuditFieldsOf } from "../audit/auditable.ts";
import { ZGlobalRelaySettingsInput, globalRelayEndpoint } from "../settings/schema.ts";
import type { SecretEndpoint } from "../settings/secret-binding.ts";

// One schema per target kind, shared by the Targets page (zodResolver), the API and the CLI.

export const TARGET_KINDS = ["local", "s3", "smtp"] as const;
export type TargetKindName = (typeof TARGET_KINDS)[number];
export const TARGET_KIND_LABELS: Record<TargetKindName, string> = {
  local: "Local directory",
  s3: "S3-compatible bucket",
  smtp: "Archive mailbox (SMTP)",
};
/** The kinds that hold files (a destination for the file formats). */
export const FILE_KINDS: readonly TargetKindName[] = ["local", "s3"];

export const SSE_MODES = ["none", "AES256", "aws:kms"] as const;
export const OBJECT_LOCK_MODES = ["GOVERNANCE", "COMPLIANCE"] as const;

const optionalDays = (label: string) =>
  z
    .union([z.number(), z.string(), z.null()])
    .transform((v, ctx) => {
      if (v === null || v === "") return null;
      const ok = typeof v === "number" ? Number.isInteger(v) : /^[0-9]{1,5}$/.test(v);
      if (!ok) {
        ctx.addIssue({
          code: "custom",
          message: `${label} must be a whole number of days, or empty.`,
        });
        return z.NEVER;
      }
      return Number(v);
    })
    .pipe(
      z
        .number()
        .min(1, `${label} must be at least 1 day.`)
        .max(36_500, `${label} must be at most 36500 days.`)
        .nullable(),
    );

const noControl = (label: string) => (v: string) =>
  !/[\u0000-\u001f\u007f]/.test(v) || `${label} cannot contain control characters.`;
const text = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} is at most ${max} characters.`)
    .refine((v) => noControl(label)(v) === true, `${label} cannot contain control characters.`);

export const ZTargetName = text("The name", 80).min(1, "Give the target a name.");

/** An absolute directory; "" is the export directory (CUSTODIAN_EXPORT_DIR), the built-in target's. */
export const ZLocalConfig = z.object({
  path: text("The path", 1024).refine(
    (v) => v === "" || v.startsWith("/") || /^[A-Za-z]:[\\/]/.test(v),
    "Enter an absolute path, such as /srv/custodian/exports.",
  ),
});

/** S3 bucket naming rules (3–63 characters, lower case, digits, dots and hyphens). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const ZS3Config = z
  .object({
    /** Empty for AWS itself; otherwise the server's URL (MinIO, Ceph, …). */
    endpoint: text("The endpoint", 500)
      .refine(
        (v) => v === "" || /^https?:\/\/[^\s/]+(\/.*)?$/i.test(v),
        "Enter a URL such as https://minio.example.com:9000, or leave it empty for AWS.",
      )
      .default(""),
    region: text("The region", 64)
      .regex(/^[a-z0-9-]*$/, "Enter a region such as us-east-1.")
      .default("")
      .transform((v) => v || "us-east-1"),
    bucket: z
      .string()
      .trim()
      .regex(BUCKET, "Enter a bucket name: 3–63 lower-case letters, digits, dots or hyphens."),
    /** Keys go under this prefix ("" or ending in "/"). */
    prefix: text("The prefix", 512)
      .refine((v) => !v.split("/").includes(".."), "The prefix cannot contain '..'.")
      .default("")
      .transform((v) => {
        const p = v.replace(/^\/+|\/+$/g, "");
        return p ? `${p}/` : "";
      }),
    accessKeyId: text("The access key id", 256).min(1, "Enter the access key id."),
    forcePathStyle: z.boolean().default(false),
    sse: z.enum(SSE_MODES, "Choose none, AES256 or aws:kms.").default("none"),
    kmsKeyId: text("The KMS key id", 2048).default(""),
    storageClass: text("The storage class", 64)
      .regex(
        /^[A-Z_]*$/,
        "Enter a storage class such as STANDARD or GLACIER_IR, or leave it empty.",
      )
      .default(""),
    /** The bucket has S3 Object Lock: legal holds are set on the objects too. */
    objectLock: z.boolean().default(false),
    objectLockMode: z.enum(OBJECT_LOCK_MODES).default("COMPLIANCE"),
    /** Each object is locked for this many days after it is written (Object Lock retention). */
    objectLockRetentionDays: optionalDays("Object Lock retention").default(null),
    /** Custodian deletes an export's objects this many days after it finished; null: never. */
    deleteAfterDays: optionalDays("Delete after").default(null),
  })
  .superRefine((v, ctx) => {
    if (v.sse === "aws:kms" && !v.kmsKeyId)
      ctx.addIssue({
        code: "custom",
        path: ["kmsKeyId"],
        message: "Enter the KMS key id for aws:kms encryption.",
      });
    if (v.sse !== "aws:kms" && v.kmsKeyId)
      ctx.addIssue({
        code: "custom",
        path: ["kmsKeyId"],
        message: "A KMS key id goes with aws:kms encryption only.",
      });
    if (v.objectLockRetentionDays !== null && !v.objectLock)
      ctx.addIssue({
        code: "custom",
        path: ["objectLockRetentionDays"],
        message: "Object Lock retention needs a bucket with Object Lock: tick it first.",
      });
    if (
      v.objectLockRetentionDays !== null &&
      v.deleteAfterDays !== null &&
      v.deleteAfterDays < v.objectLockRetentionDays
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["deleteAfterDays"],
        message:
          "Objects under Object Lock cannot be deleted before their retention ends: delete after at least as many days.",
      });
    }
  });

/** An archive mailbox: Mattermost's GlobalRelaySettings (A9, A10 or a Custom server), without the password. */
export const ZSmtpConfig = ZGlobalRelaySettingsInput.omit({ SMTPPassword: true }).superRefine(
  (v, ctx) => {
    if (!v.EmailAddress)
      ctx.addIssue({
        code: "custom",
        path: ["EmailAddress"],
        message: "Enter the archive's email address.",
      });
    if (v.CustomerType === "CUSTOM" && !v.CustomSMTPServerName)
      ctx.addIssue({
        code: "custom",
        path: ["CustomSMTPServerName"],
        message: "Enter the SMTP server name.",
      });
    if (v.CustomerType !== "CUSTOM" && v.AllowPlainSMTP)
      ctx.addIssue({
        code: "custom",
        path: ["AllowPlainSMTP"],
        message: "Plain SMTP is only for a Custom server; Global Relay requires STARTTLS.",
      });
  },
);

export type LocalConfig = z.output<typeof ZLocalConfig>;
export type S3Config = z.output<typeof ZS3Config>;
export type SmtpConfig = z.output<typeof ZSmtpConfig>;

/** Write-only: absent or the mask keeps the stored secret (unless its endpoint changed); any other value replaces it. */
const ZSecret = z
  .string()
  .max(1024)
  .refine((v) => !/[\r\n\0]/.test(v), "The secret cannot contain line breaks.")
  .optional();

const common = { name: ZTargetName, disabled: z.boolean().default(false) };

/** A target as the form, the API and the CLI give it. */
export const ZTargetInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("local"), ...common, config: ZLocalConfig }),
  z.object({ kind: z.literal("s3"), ...common, config: ZS3Config, secret: ZSecret }),
  z.object({ kind: z.literal("smtp"), ...common, config: ZSmtpConfig, secret: ZSecret }),
]);
export type TTargetInput = z.input<typeof ZTargetInput>;
export type TTargetParsed = z.output<typeof ZTargetInput>;

export type TargetConfigOf<K extends TargetKindName> = K extends "local"
  ? LocalConfig
  : K extends "s3"
    ? S3Config
    : SmtpConfig;

/** What an audit record keeps of a target change: everything but the secret, which shows only as the mask. */
export const TARGET_AUDIT_FIELDS = {
  kind: true,
  name: true,
  disabled: true,
  config: true,
  secret: "secret",
} as const satisfies AuditFieldsOf<{
  kind: string;
  name: string;
  disabled?: boolean;
  config: unknown;
  secret?: string;
}>;

export const ZTargetRef = z.object({ id: z.string().trim().min(1).max(200) });

/** The Targets page's save: a new target (no id) or a change to one. */
export const ZTargetSave = z.object({
  id: z.string().trim().max(200).optional(),
  target: ZTargetInput,
});
export const TARGET_SAVE_AUDIT_FIELDS = {
  id: true,
  target: TARGET_AUDIT_FIELDS,
} as const satisfies AuditFieldsOf<z.input<typeof ZTargetSave>>;

/**
 * The fields a stored secret is bound to (lib/settings/secret-binding.ts): for S3 the endpoint,
 * region, bucket, access key id and addressing style (together they decide which server gets the
 * signed requests); for SMTP the Global Relay endpoint (customer type, host, port, TLS, username).
 */
export function secretEndpointOf(kind: TargetKindName, config: unknown): SecretEndpoint {
  if (kind === "s3") {
    const c = config as S3Config;
    return {
      endpoint: c.endpoint.trim().toLowerCase().replace(/\/+$/, ""),
      region: c.region,
      bucket: c.bucket,
      accessKeyId: c.accessKeyId,
      pathStyle: c.forcePathStyle,
    };
  }
  if (kind === "smtp") return globalRelayEndpoint(config as SmtpConfig);
  return {};
}

/** Whether the kind takes a secret. */
export function hasSecret(kind: TargetKindName): boolean {
  return kind !== "local";
}

/** The secret's name as a person reads it. */
export const SECRET_LABEL: Record<TargetKindName, string> = {
  local: "",
  s3: "Secret access key",
  smtp: "SMTP password",
};

/** For people and audit records: where the target's exports go. Never holds a secret. */
export function describeDestination(
  kind: TargetKindName,
  config: unknown,
  exportDir: string,
): string {
  if (kind === "local") return (config as LocalConfig).path || exportDir;
  if (kind === "s3") {
    const c = config as S3Config;
    return `s3://${c.bucket}/${c.prefix}${c.endpoint ? ` at ${c.endpoint}` : ` (${c.region})`}`;
  }
  const c = config as SmtpConfig;
  const via =
    c.CustomerType === "CUSTOM" ? `${c.CustomSMTPServerName}:${c.CustomSMTPPort}` : c.CustomerType;
  return `${c.EmailAddress || "(no address)"} via ${via}`;
}
