import { componentActor } from "../audit/actor.ts";
import { record } from "../audit/record.ts";
import { logger } from "../log/logger.ts";
import { currentAttachmentKey } from "./key-ring.ts";

/** Audits the first attachment key, made by whatever first needed one (never its bytes). */
export async function noteKeyCreated(
  keyId: string,
  component: "ingest" | "worker" | "cli" = "ingest",
): Promise<void> {
  logger().info({ key_id: keyId }, "created the first attachment key");
  await record({
    eventName: "createAttachmentKey",
    status: "success",
    actor: componentActor(component),
    objectType: "key",
    apiPath: `${component}:attachment-store`,
    resultingState: { key_id: keyId },
  });
}

/**
 * Makes sure the ring has a key before a caller that cannot write to the database itself needs
 * one: an ingest transaction copies attachment bytes while it holds SQLite's write lock, so the
 * first key cannot be added from inside it.
 */
export async function ensureAttachmentKey(component: "ingest" | "worker" | "cli"): Promise<void> {
  const key = await currentAttachmentKey();
  if (key.created) await noteKeyCreated(key.id, component);
}
