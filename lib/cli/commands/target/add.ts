import { z } from "zod";
import { fieldErrorsOf, UserError } from "../../../errors/user-error.ts";
import { saveTarget } from "../../../targets/save-target.ts";
import { TARGET_AUDIT_FIELDS, ZTargetInput } from "../../../targets/schema.ts";
import { pickAuditable } from "../../../audit/auditable.ts";
import { defineCommand } from "../../define-command.ts";
import { readSecretInput } from "../../read-secret-input.ts";
import { CliUsageError } from "../../../errors/cli-usage-error.ts";

export const add = defineCommand({
  name: "target add",
  summary: "Add an export target: a local directory or an S3-compatible bucket",
  flags: {
    kind: { type: "string", value: "local|s3", help: "the kind of target", required: true },
    name: {
      type: "string",
      value: "NAME",
      help: "a unique name, e.g. archive-bucket",
      required: true,
    },
    path: { type: "string", value: "DIR", help: "local: the directory (absolute path)" },
    bucket: { type: "string", value: "B", help: "s3: the bucket" },
    region: { type: "string", value: "R", help: "s3: the region (default us-east-1)" },
    endpoint: {
      type: "string",
      value: "URL",
      help: "s3: the server's URL for MinIO, Ceph and other non-AWS servers",
    },
    prefix: { type: "string", value: "P", help: "s3: a key prefix, e.g. custodian/" },
    "path-style": {
      type: "boolean",
      help: "s3: path-style addressing (most MinIO and Ceph set-ups)",
    },
    sse: {
      type: "string",
      value: "none|AES256|aws:kms",
      help: "s3: server-side encryption (default none)",
    },
    "kms-key-id": { type: "string", value: "K", help: "s3: the KMS key for --sse aws:kms" },
    "storage-class": {
      type: "string",
      value: "C",
      help: "s3: e.g. STANDARD_IA, GLACIER_IR (default: the bucket's)",
    },
    "object-lock": {
      type: "boolean",
      help: "s3: the bucket has Object Lock (legal holds are set on the objects)",
    },
    "object-lock-days": {
      type: "string",
      value: "N",
      help: "s3: lock each object for N days (needs --object-lock)",
    },
    "delete-after-days": {
      type: "string",
      value: "N",
      help: "s3: delete an export's objects N days after it finished (default: never)",
    },
    "access-key-id": { type: "string", value: "K", help: "s3: the access key id" },
    "secret-access-key": {
      type: "string",
      value: "-",
      help: "s3: give - and type the secret on standard input",
    },
  },
  schema: z.object({
    kind: z.enum(
      ["local", "s3"],
      "choose local or s3 (archive mailboxes are added on the Targets page)",
    ),
    name: z.string(),
    path: z.string().optional(),
    bucket: z.string().optional(),
    region: z.string().optional(),
    endpoint: z.string().optional(),
    prefix: z.string().optional(),
    pathStyle: z.boolean().optional(),
    sse: z.string().optional(),
    kmsKeyId: z.string().optional(),
    storageClass: z.string().optional(),
    objectLock: z.boolean().optional(),
    objectLockDays: z.string().optional(),
    deleteAfterDays: z.string().optional(),
    accessKeyId: z.string().optional(),
    secretAccessKey: z.string().optional(),
  }),
  details:
    "Examples:\n" +
    "  target add --kind local --name nas --path /mnt/nas/custodian\n" +
    "  target add --kind s3 --name archive --bucket acme-archive --region eu-west-1 --access-key-id AKIA… --secret-access-key - < key.txt\n" +
    "  target add --kind s3 --name minio --endpoint https://minio.internal:9000 --path-style --bucket exports --access-key-id custodian --secret-access-key -\n" +
    "Then: config set Destination <name> sends the Compliance Export there.",
  audit: { event: "createTarget", objectType: "target" },
  async run({ input, out, note }) {
    const s3Only = [
      "bucket",
      "region",
      "endpoint",
      "prefix",
      "pathStyle",
      "sse",
      "kmsKeyId",
      "storageClass",
      "objectLock",
      "objectLockDays",
      "deleteAfterDays",
      "accessKeyId",
      "secretAccessKey",
    ] as const;
    if (input.kind === "local" && s3Only.some((k) => input[k] !== undefined))
      throw new CliUsageError("S3 options are for --kind s3");
    if (input.kind === "s3" && input.path !== undefined)
      throw new CliUsageError("--path is for --kind local");
    if (
      input.kind === "s3" &&
      input.secretAccessKey !== undefined &&
      input.secretAccessKey !== "-"
    ) {
      throw new CliUsageError(
        "--secret-access-key is a secret: pass - and type it on standard input, so it stays out of your shell history",
      );
    }
    const raw =
      input.kind === "local"
        ? { kind: "local", name: input.name, config: { path: input.path ?? "" } }
        : {
            kind: "s3",
            name: input.name,
            config: {
              endpoint: input.endpoint ?? "",
              region: input.region ?? "",
              bucket: input.bucket ?? "",
              prefix: input.prefix ?? "",
              accessKeyId: input.accessKeyId ?? "",
              forcePathStyle: input.pathStyle ?? false,
              sse: input.sse ?? "none",
              kmsKeyId: input.kmsKeyId ?? "",
              storageClass: input.storageClass ?? "",
              objectLock: input.objectLock ?? false,
              objectLockRetentionDays: input.objectLockDays ?? null,
              deleteAfterDays: input.deleteAfterDays ?? null,
            },
            secret: input.secretAccessKey === "-" ? await readSecretInput() : "",
          };
    const parsed = ZTargetInput.safeParse(raw);
    if (!parsed.success)
      throw new UserError("invalid target", 400, fieldErrorsOf(parsed.error.issues));
    const saved = await saveTarget({ input: parsed.data });
    note(
      `Added ${saved.after.kind} target "${saved.after.name}": ${saved.after.destination}. Test it with: target test ${JSON.stringify(saved.after.name)}`,
    );
    out(saved.after.id);
    return {
      audit: {
        parameters: pickAuditable(parsed.data, TARGET_AUDIT_FIELDS),
        resultingState: {
          target_id: saved.after.id,
          name: saved.after.name,
          destination: saved.after.destination,
        },
      },
    };
  },
});
