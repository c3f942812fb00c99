import { componentActor } from "../audit/actor.ts";
import { record } from "../audit/record.ts";
import { logger } from "../log/logger.ts";
import { collectStoreGarbage } from "./collect-store-garbage.ts";
import { encryptFileStore } from "./encrypt-file-store.ts";
import { rotateAttachmentKey } from "./rotate-attachment-key.ts";

/**
 * The worker's pass over the attachment store (start-up, then hourly): finishes a key rotation that
 * stopped midway, encrypts files stored before encryption (the migration), and removes superseded
 * ciphertext. Each step is safe to run on several instances at once and to kill at any point.
 */
export async function sweepFileStore(
  options: { now?: Date } = {},
): Promise<{ rotated: boolean; encrypted: number; removed: number }> {
  const actor = componentActor("worker");
  const rotation = await rotateAttachmentKey({ resumeOnly: true, now: options.now });
  if (rotation?.finished) {
    await record({
      eventName: "rotateAttachmentKey",
      status: "success",
      actor,
      objectType: "key",
      apiPath: "worker:attachment-store",
      parameters: { resumed: true },
      resultingState: {
        key_id: rotation.keyId,
        rewrapped: rotation.rewrapped,
        retired: rotation.retired,
      },
    });
  }
  const migration = await encryptFileStore({ component: "worker" });
  if (migration.encrypted > 0) {
    logger().info(
      { encrypted: migration.encrypted, mismatched: migration.mismatched },
      "encrypted stored files written before encryption",
    );
    await record({
      eventName: "encryptFileStore",
      status: "success",
      actor,
      objectType: "key",
      apiPath: "worker:attachment-store",
      resultingState: {
        encrypted: migration.encrypted,
        mismatched: migration.mismatched,
        remaining: migration.remaining,
      },
    });
  }
  const removed = await collectStoreGarbage({ now: options.now });
  return { rotated: rotation?.finished ?? false, encrypted: migration.encrypted, removed };
}

/** Runs the sweep now and every hour in the background (the worker); returns the stop function. */
export function startFileStoreSweep(): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await sweepFileStore();
    } catch (error) {
      logger().error({ err: error }, "attachment store sweep failed");
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, 3_600_000);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
