import { appendFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { env } from "../config/env.ts";
import { db } from "../db/client.ts";
import { getClusterId } from "../installation/cluster-id.ts";
import { logger } from "../log/logger.ts";
import type { AuditActor } from "./actor.ts";
import type { AuditEventName, AuditObjectType } from "./events.ts";
import { formatAuditTimestamp } from "./format.ts";
import { maskSecrets } from "./mask.ts";

/** What an action tells the audit record about itself. */
export type AuditDetails = {
  parameters?: Record<string, unknown>;
  priorState?: Record<string, unknown>;
  resultingState?: Record<string, unknown>;
};

export type ConfigDiff = { path: string; base_val: unknown; actual_val: unknown };

export type AuditInput = {
  eventName: AuditEventName;
  status: "success" | "fail";
  actor: AuditActor;
  objectType: AuditObjectType;
  apiPath: string;
  parameters?: Record<string, unknown>;
  priorState?: Record<string, unknown>;
  resultingState?: Record<string, unknown>;
  error?: { description: string; status_code: number };
  at?: Date;
};

/** The record exactly as AUDIT-LOG.md shows it: fixed key order, every key present. */
export type AuditRecordJson = {
  timestamp: string;
  event_name: AuditEventName;
  status: "success" | "fail";
  actor: { user_id: string; session_id: string; client: string; ip_address: string };
  event: {
    parameters: Record<string, unknown>;
    prior_state: Record<string, unknown>;
    resulting_state: Record<string, unknown>;
    object_type: AuditObjectType;
  };
  meta: { api_path: string; cluster_id: string };
  error: { description?: string; status_code?: number };
};

export function buildAuditRecord(input: AuditInput, clusterId: string): AuditRecordJson {
  return {
    timestamp: formatAuditTimestamp(input.at ?? new Date()),
    event_name: input.eventName,
    status: input.status,
    actor: {
      user_id: input.actor.userId,
      session_id: input.actor.sessionId,
      client: input.actor.client,
      ip_address: input.actor.ipAddress,
    },
    event: {
      parameters: maskSecrets(input.parameters ?? {}) as Record<string, unknown>,
      prior_state: maskSecrets(input.priorState ?? {}) as Record<string, unknown>,
      resulting_state: maskSecrets(input.resultingState ?? {}) as Record<string, unknown>,
      object_type: input.objectType,
    },
    meta: { api_path: input.apiPath, cluster_id: clusterId },
    error: input.error
      ? { description: input.error.description, status_code: input.error.status_code }
      : {},
  };
}

/**
 * Writes one audit record to the database and to the JSON-lines file. The one way anything in
 * Custodian is audited; callers pass secrets only under secret-named keys, which are masked here.
 */
export async function record(input: AuditInput): Promise<AuditRecordJson> {
  const at = input.at ?? new Date();
  const rec = buildAuditRecord({ ...input, at }, await getClusterId());
  const json = JSON.stringify(rec, bigintReplacer);
  await db().auditRecord.create({
    data: {
      timestamp: at,
      eventName: rec.event_name,
      status: rec.status,
      actorUserId: rec.actor.user_id,
      objectType: rec.event.object_type,
      json,
    },
  });
  try {
    const file = env().auditLogFile;
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await appendFile(file, json + "\n", { mode: 0o600 });
  } catch (error) {
    // The database row is the record of truth; a full disk must not undo the action it describes.
    logger().error({ err: error, event_name: rec.event_name }, "audit JSON-lines write failed");
  }
  return rec;
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
