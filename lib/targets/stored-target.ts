import { env } from "../config/env.ts";
import { db, type Tx } from "../db/client.ts";
import { defaultExportSettings, ZGlobalRelaySettingsInput } from "../settings/schema.ts";
import { openBoundSecret, sealBoundSecret } from "../settings/secret-binding.ts";
import { GLOBAL_RELAY_TARGET_ID, LOCAL_TARGET_ID } from "./default-target.ts";
import {
  describeDestination,
  secretEndpointOf,
  TARGET_KINDS,
  ZLocalConfig,
  ZS3Config,
  type LocalConfig,
  type S3Config,
  type SmtpConfig,
  type TargetKindName,
} from "./schema.ts";

/** A target as the server holds it: the configuration parsed, the secret opened (never sent to a browser). */
export type StoredTarget =
  | (Base & { kind: "local"; config: LocalConfig })
  | (Base & { kind: "s3"; config: S3Config })
  | (Base & { kind: "smtp"; config: SmtpConfig });
type Base = {
  id: string;
  name: string;
  secret: string;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
};

/** A target as an admin may see it: no secret, only whether one is set. */
export type TargetView = {
  id: string;
  kind: TargetKindName;
  name: string;
  config: LocalConfig | S3Config | SmtpConfig;
  disabled: boolean;
  secretSet: boolean;
  /** "local" and "globalrelay": kept by the Compliance Export settings, never removed. */
  builtIn: boolean;
  /** Where exports go, in clear ("s3://bucket/prefix at https://minio:9000"). */
  destination: string;
  /** Days an export's files are kept on this target; null: never deleted by Custodian. */
  retentionDays: number | null;
  updatedAt: number;
};

type TargetRow = {
  id: string;
  kind: string;
  name: string;
  config: string;
  secret: string;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
};

const ZStoredSmtp = ZGlobalRelaySettingsInput.omit({ SMTPPassword: true });

/** A stored configuration, with the defaults of fields added since it was saved. */
export function parseStoredConfig(
  kind: TargetKindName,
  json: string,
): LocalConfig | S3Config | SmtpConfig {
  const raw = JSON.parse(json || "{}") as Record<string, unknown>;
  if (kind === "local") return ZLocalConfig.parse({ path: "", ...raw });
  if (kind === "s3") return ZS3Config.parse(raw);
  const { SMTPPassword: _password, ...defaults } = defaultExportSettings().GlobalRelaySettings;
  return ZStoredSmtp.parse({ ...defaults, ...raw });
}

export function toStoredTarget(row: TargetRow): StoredTarget {
  if (!(TARGET_KINDS as readonly string[]).includes(row.kind))
    throw new Error(`Target ${row.id} has an unknown kind "${row.kind}".`);
  const kind = row.kind as TargetKindName;
  const config = parseStoredConfig(kind, row.config);
  const secret = openBoundSecret(row.secret, secretEndpointOf(kind, config));
  return {
    id: row.id,
    kind,
    name: row.name,
    config,
    secret,
    disabled: row.disabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  } as StoredTarget;
}

/** The secret sealed with the endpoint it belongs to. */
export function sealTargetSecret(kind: TargetKindName, config: unknown, secret: string): string {
  return sealBoundSecret(secret, secretEndpointOf(kind, config));
}

export function isBuiltInTarget(id: string): boolean {
  return id === LOCAL_TARGET_ID || id === GLOBAL_RELAY_TARGET_ID;
}

/** How long an export's files stay on a target: local directories (and the evidence of mailboxes) CUSTODIAN_RETENTION_DAYS; S3 its own setting. */
export function retentionDaysOf(
  target: { kind: TargetKindName; config: unknown } | null | undefined,
): number | null {
  if (target?.kind === "s3") return (target.config as S3Config).deleteAfterDays;
  return env().CUSTODIAN_RETENTION_DAYS;
}

export function toTargetView(target: StoredTarget): TargetView {
  return {
    id: target.id,
    kind: target.kind,
    name: target.name,
    config: target.config,
    disabled: target.disabled,
    secretSet: target.secret !== "",
    builtIn: isBuiltInTarget(target.id),
    destination: describeDestination(target.kind, target.config, env().exportDir),
    retentionDays: retentionDaysOf(target),
    updatedAt: target.updatedAt.getTime(),
  };
}

/** A target by id, or by name when no id matches; null when neither does. */
export async function findTarget(options: {
  idOrName: string;
  tx?: Tx;
}): Promise<StoredTarget | null> {
  const tx = options.tx ?? db();
  const row =
    (await tx.target.findUnique({ where: { id: options.idOrName } })) ??
    (await tx.target.findUnique({ where: { name: options.idOrName } }));
  return row ? toStoredTarget(row) : null;
}

export async function listStoredTargets(tx: Tx = db()): Promise<StoredTarget[]> {
  const rows = await tx.target.findMany({ orderBy: { name: "asc" } });
  return rows.map(toStoredTarget);
}
