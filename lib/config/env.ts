import path from "node:path";
import { z } from "zod";

const onOff = z.enum(["on", "off"]);
const positiveInt = z.coerce.number().int().positive();

export const ZEnv = z.object({
  DATABASE_URL: z
    .string()
    .regex(
      /^(file:|postgres(ql)?:\/\/)/,
      "must start with file: (SQLite) or postgresql:// (PostgreSQL)",
    )
    .optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  CUSTODIAN_DATA_DIR: z.string().min(1).default("./data"),
  CUSTODIAN_SECRET_KEY: z
    .string()
    .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, "must be 32 bytes as 64 hex digits or base64")
    .optional(),
  CUSTODIAN_AUDIT_LOG_FILE: z.string().min(1).optional(),
  CUSTODIAN_FILE_STORE_DIR: z.string().min(1).optional(),
  CUSTODIAN_EXPORT_DIR: z.string().min(1).optional(),
  CUSTODIAN_WORKER: onOff.default("on"),
  CUSTODIAN_SESSION_IDLE_MINUTES: positiveInt.default(480),
  CUSTODIAN_SESSION_MAX_HOURS: positiveInt.default(24),
  CUSTODIAN_TRUST_PROXY: onOff.default("off"),
  /** How many trusted proxies append to X-Forwarded-For: the client is the entry this far from the right. */
  CUSTODIAN_TRUST_PROXY_HOPS: positiveInt.max(10).default(1),
  CUSTODIAN_PUBLIC_URL: z.url().optional(),
  /** Host names besides CUSTODIAN_PUBLIC_URL's (and the loopback names) that requests may use, comma-separated. */
  CUSTODIAN_ALLOWED_HOSTS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/,
            "must be host names (or host:port), comma-separated",
          ),
      ),
    ),
  CUSTODIAN_INGEST_MAX_BYTES: positiveInt.default(10 * 1024 * 1024),
  CUSTODIAN_INGEST_MAX_FILE_BYTES: positiveInt.default(2 * 1024 * 1024 * 1024),
  /** How long an ingest write waits for its turn (other writers in this process, then the database lock) before 503. */
  CUSTODIAN_INGEST_LOCK_WAIT_SECONDS: positiveInt.default(30),
  CUSTODIAN_PG_POOL_SIZE: positiveInt.default(10),
  CUSTODIAN_RETENTION_DAYS: positiveInt.default(30),
  /** A run whose oldest late arrival is older than this (behind what earlier runs covered) ends `warning`. */
  CUSTODIAN_LATE_WARNING_HOURS: positiveInt.default(24),
  CUSTODIAN_LINK_TTL_MINUTES: positiveInt.max(10080).default(60),
  CUSTODIAN_METRICS_TOKEN: z
    .string()
    .min(24, "must be at least 24 characters (e.g. openssl rand -hex 32)")
    .optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = Omit<z.infer<typeof ZEnv>, "DATABASE_URL"> & {
  /** As set, else `file:<data dir>/custodian.db`. */
  DATABASE_URL: string;
  dataDir: string;
  auditLogFile: string;
  fileStoreDir: string;
  exportDir: string;
};

let cached: Env | undefined;

/** Reads the environment once; a bad value stops the process with the variable's name. */
export function env(): Env {
  if (cached) return cached;
  const parsed = ZEnv.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(/*turbopackIgnore: true*/ e.CUSTODIAN_DATA_DIR);
  cached = {
    ...e,
    DATABASE_URL: e.DATABASE_URL ?? `file:${path.join(dataDir, "custodian.db")}`,
    dataDir,
    auditLogFile: path.resolve(
      /*turbopackIgnore: true*/ e.CUSTODIAN_AUDIT_LOG_FILE ??
        path.join(dataDir, "logs", "audit.jsonl"),
    ),
    fileStoreDir: path.resolve(
      /*turbopackIgnore: true*/ e.CUSTODIAN_FILE_STORE_DIR ?? path.join(dataDir, "files"),
    ),
    exportDir: path.resolve(
      /*turbopackIgnore: true*/ e.CUSTODIAN_EXPORT_DIR ?? path.join(dataDir, "exports"),
    ),
  };
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvForTests(): void {
  cached = undefined;
}
