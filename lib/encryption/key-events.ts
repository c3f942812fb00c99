import { componentActor } from "../audit/actor.ts";
import { record } from "../audit/record.ts";
import { logger } from "../log/logger.ts";

/** Audits the first attachment key, made by whatever first needed one (never its bytes). */
export async function noteKeyCreated(keyId: string, component: "ingest" | "worker" | "cli" = "ingest"): Promise<void> {
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
