import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { can } from "../auth/rights.ts";
import { env } from "../config/env.ts";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { derivedKey } from "../settings/secret-box.ts";
import type { Right } from "../auth/rights.ts";

const MAX_TTL_MINUTES = 7 * 24 * 60;

/** l: link id, j: job, u: issuer, r: the issuer's rights epoch at issue, b: batch (absent: all), e: expiry. */
type LinkPayload = { l: string; j: string; u: string; r: number; b?: number; e: number };

const sign = (payload: string) =>
  createHmac("sha256", derivedKey("download-links")).update(payload).digest("base64url");

/**
 * A short-lived link to download an export without a session (for scripts and large files):
 * HMAC-signed job, batch, issuing admin, their rights epoch and expiry. The audit records keep the
 * link id, never the token.
 */
export async function createDownloadLink(options: {
  jobId: string;
  userId: string;
  batch?: number;
  ttlMinutes?: number;
  now?: Date;
}): Promise<{ token: string; linkId: string; expiresAt: Date }> {
  const ttl = Math.min(MAX_TTL_MINUTES, options.ttlMinutes ?? env().CUSTODIAN_LINK_TTL_MINUTES);
  const expiresAt = new Date((options.now ?? new Date()).getTime() + ttl * 60_000);
  const issuer = await db().adminUser.findUnique({
    where: { id: options.userId },
    select: { rightsEpoch: true },
  });
  const payload: LinkPayload = {
    l: randomUUID(),
    j: options.jobId,
    u: options.userId,
    r: issuer?.rightsEpoch ?? 0,
    ...(options.batch ? { b: options.batch } : {}),
    e: expiresAt.getTime(),
  };
  const encoded = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return { token: `${encoded}.${sign(encoded)}`, linkId: payload.l, expiresAt };
}

/**
 * Checks a link at use time: signature, expiry, the job it names, the batch (only the signed one:
 * a `requestedBatch` from the query must equal it), and that the admin who issued it still holds
 * the download right and has lost no right, ended no session and not signed out since (rights epoch).
 */
export async function verifyDownloadLink(options: {
  token: string;
  jobId: string;
  requestedBatch?: number;
  now?: Date;
}): Promise<{ linkId: string; userId: string; batch?: number }> {
  const refuse = () => new UserError("This download link is not valid or has expired.", 403);
  const parts = options.token.split(".");
  const [encoded, signature] = parts;
  if (parts.length !== 2 || !encoded || !signature || options.token.length > 1000) throw refuse();
  const expected = Buffer.from(sign(encoded));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw refuse();
  let payload: LinkPayload;
  try {
    payload = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")) as LinkPayload;
  } catch {
    throw refuse();
  }
  if (payload.j !== options.jobId || (options.now ?? new Date()).getTime() >= payload.e)
    throw refuse();
  if (options.requestedBatch !== undefined && options.requestedBatch !== payload.b) throw refuse();
  const user = await db().adminUser.findUnique({
    where: { id: payload.u },
    include: { rights: true },
  });
  if (!user || typeof payload.r !== "number" || user.rightsEpoch !== payload.r) throw refuse();
  const principal = {
    id: user.id,
    isOwner: user.ownerSlot === "owner",
    rights: user.rights.map((r) => r.right as Right),
    disabled: user.disabledAt !== null,
  };
  if (!can(principal, "download")) throw refuse();
  return { linkId: payload.l, userId: payload.u, batch: payload.b };
}
