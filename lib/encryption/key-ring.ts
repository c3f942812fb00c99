import { env } from "../config/env.ts";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { decryptSecret, encryptSecret } from "../settings/secret-box.ts";
import { newAttachmentKeyBytes } from "./envelope.ts";

// The key ring of attachment keys (AttachmentKey rows): ids k1, k2, … in creation order, the key
// bytes sealed with the installation secret (secret-box.ts), so every instance that shares the
// database and CUSTODIAN_SECRET_KEY shares the ring. The newest key that is not retired wraps new
// files; any key, retired or not, still unwraps what it wrapped.

export type AttachmentKeyInfo = { id: string; createdAt: Date; retiredAt: Date | null };
export type AttachmentKey = { id: string; bytes: Buffer };

const unsealed = new Map<string, Buffer>();

function keyNumber(id: string): number {
  const m = /^k([1-9][0-9]{0,8})$/.exec(id);
  return m ? Number(m[1]) : 0;
}

function unseal(row: { id: string; sealedKey: string }): Buffer {
  const cacheKey = `${env().DATABASE_URL}\n${row.id}`;
  const cached = unsealed.get(cacheKey);
  if (cached) return cached;
  let bytes: Buffer;
  try {
    bytes = Buffer.from(decryptSecret(row.sealedKey), "base64");
  } catch {
    throw new Error(
      `Attachment key ${row.id} cannot be unsealed: the secret key (CUSTODIAN_SECRET_KEY or secret.key) is not the one it was sealed with.`,
    );
  }
  if (bytes.length !== 32) throw new Error(`Attachment key ${row.id} is not 32 bytes.`);
  unsealed.set(cacheKey, bytes);
  return bytes;
}

/** Every key, oldest first (the ring is a handful of rows). */
export async function listAttachmentKeys(): Promise<AttachmentKeyInfo[]> {
  const rows = await db().attachmentKey.findMany({
    select: { id: true, createdAt: true, retiredAt: true },
  });
  return rows.sort((a, b) => keyNumber(a.id) - keyNumber(b.id));
}

/** The key that wraps new files: the newest one not retired, or null while the ring is empty. */
export async function findCurrentAttachmentKey(): Promise<AttachmentKey | null> {
  const rows = await db().attachmentKey.findMany({
    where: { retiredAt: null },
    select: { id: true, sealedKey: true },
  });
  const newest = rows.sort((a, b) => keyNumber(b.id) - keyNumber(a.id))[0];
  return newest ? { id: newest.id, bytes: unseal(newest) } : null;
}

/** The current key, creating the first one when the ring is empty (`created` says so, for the audit). */
export async function currentAttachmentKey(): Promise<AttachmentKey & { created: boolean }> {
  const current = await findCurrentAttachmentKey();
  if (current) return { ...current, created: false };
  const made = await createAttachmentKey({ onlyIfEmpty: true });
  return { ...made, created: made.created };
}

/** Any key by id, retired or not. */
export async function attachmentKey(id: string): Promise<AttachmentKey> {
  const cached = unsealed.get(`${env().DATABASE_URL}\n${id}`);
  if (cached) return { id, bytes: cached };
  const row = await db().attachmentKey.findUnique({
    where: { id },
    select: { id: true, sealedKey: true },
  });
  if (!row)
    throw new UserError(
      `There is no attachment key ${JSON.stringify(id)}: see npm run cli -- keys list.`,
      404,
    );
  return { id, bytes: unseal(row) };
}

/**
 * Adds the next key (k1, k2, …), which wraps every file written from now on. Two instances adding
 * one at the same moment both aim at the same id: one wins, the other takes the winner's key.
 * onlyIfEmpty: add k1 only while the ring is empty (the first write of a new installation).
 */
export async function createAttachmentKey(
  options: { onlyIfEmpty?: boolean } = {},
): Promise<AttachmentKey & { created: boolean }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await listAttachmentKeys();
    if (options.onlyIfEmpty && existing.length > 0) {
      const current = await findCurrentAttachmentKey();
      if (current) return { ...current, created: false };
    }
    const id = `k${Math.max(0, ...existing.map((k) => keyNumber(k.id))) + 1}`;
    const bytes = newAttachmentKeyBytes();
    try {
      await db().attachmentKey.create({
        data: { id, sealedKey: encryptSecret(bytes.toString("base64")) },
      });
      return { id, bytes, created: true };
    } catch (error) {
      if ((error as { code?: string }).code !== "P2002") throw error;
      if (options.onlyIfEmpty) continue;
      // Someone else added this id first (a concurrent rotation): use theirs.
      return { ...(await attachmentKey(id)), created: false };
    }
  }
  throw new Error("Could not add an attachment key: the key ring keeps changing.");
}

/** Marks keys retired: they no longer wrap anything stored (a rotation checked that first). */
export async function retireAttachmentKeys(ids: string[], now = new Date()): Promise<void> {
  if (ids.length === 0) return;
  await db().attachmentKey.updateMany({
    where: { id: { in: ids }, retiredAt: null },
    data: { retiredAt: now },
  });
}
