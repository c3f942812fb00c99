import { randomBytes } from "node:crypto";
import { link, open, rm } from "node:fs/promises";
import path from "node:path";
import { authenticate } from "../auth/authenticate.ts";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { attachmentKey, listAttachmentKeys } from "./key-ring.ts";
import { renderKeyFile } from "./key-file.ts";

/**
 * `keys export`: writes an attachment key to a key file (mode 0600, never over an existing file),
 * for whoever must open exports made with "decrypt" off. Only the owner may: their password is
 * checked like a sign-in (same throttle). Anyone with the data directory can read secret.key too;
 * the password makes each copy of a key an act of the owner in the audit log.
 */
export async function exportAttachmentKey(options: {
  keyId: string;
  out: string;
  password: string;
}): Promise<{ keyId: string; out: string; owner: string }> {
  const owner = await db().adminUser.findUnique({
    where: { ownerSlot: "owner" },
    select: { email: true },
  });
  if (!owner)
    throw new UserError("There is no owner yet: create one first (admin create --owner).", 404);
  const auth = await authenticate({ email: owner.email, password: options.password, ip: "cli" });
  if (!auth.ok)
    throw new UserError(
      auth.reason === "throttled"
        ? `Too many wrong passwords: try again in ${auth.retryAfterSeconds} s.`
        : "That is not the owner's password.",
      auth.reason === "throttled" ? 429 : 403,
    );
  const info = (await listAttachmentKeys()).find((k) => k.id === options.keyId);
  if (!info)
    throw new UserError(
      `There is no attachment key ${JSON.stringify(options.keyId)}: see npm run cli -- keys list.`,
      404,
    );
  const key = await attachmentKey(info.id);
  const out = path.resolve(options.out);
  // Written beside the target, then linked into place: link() refuses an existing name, atomically.
  const tmp = path.join(
    path.dirname(out),
    `.${path.basename(out)}.${randomBytes(6).toString("hex")}.tmp`,
  );
  const handle = await open(tmp, "wx", 0o600).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`Cannot write ${out} (${error.code ?? error.message}).`);
  });
  try {
    await handle.chmod(0o600);
    await handle.writeFile(
      renderKeyFile({
        id: info.id,
        bytes: key.bytes,
        createdAt: info.createdAt,
        retiredAt: info.retiredAt,
      }),
    );
    await handle.sync();
    await handle.close();
    await link(tmp, out).catch((error: NodeJS.ErrnoException) => {
      throw new UserError(
        error.code === "EEXIST"
          ? `${out} exists: choose another file, keys are never written over one.`
          : `Cannot write ${out} (${error.code}).`,
      );
    });
  } finally {
    await handle.close().catch(() => {});
    await rm(tmp, { force: true });
  }
  return { keyId: info.id, out, owner: owner.email };
}
