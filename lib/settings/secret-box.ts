import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import path from "node:path";
import { env } from "../config/env.ts";

// Secrets at rest: AES-256-GCM under CUSTODIAN_SECRET_KEY, or a key generated once into the data
// directory. Several instances sharing one database must share the key: set the variable there.
const VERSION = "v1";
let cachedKey: Buffer | undefined;

function loadKey(): Buffer {
  if (cachedKey) return cachedKey;
  const configured = env().CUSTODIAN_SECRET_KEY;
  if (configured) {
    cachedKey = /^[0-9a-fA-F]{64}$/.test(configured)
      ? Buffer.from(configured, "hex")
      : Buffer.from(configured, "base64");
    return cachedKey;
  }
  const file = path.join(env().dataDir, "secret.key");
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    const fd = openSync(file, "wx", 0o600); // exclusive: two processes starting together keep one key
    writeSync(fd, randomBytes(32).toString("hex"));
    closeSync(fd);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const hex = readFileSync(file, "utf8").trim();
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new Error(`${file} is not a 32-byte hex key; restore it from a backup`);
  cachedKey = Buffer.from(hex, "hex");
  return cachedKey;
}

export function encryptSecret(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", loadKey(), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [
    VERSION,
    iv.toString("base64"),
    cipher.getAuthTag().toString("base64"),
    body.toString("base64"),
  ].join(":");
}

export function decryptSecret(sealed: string): string {
  const [version, iv, tag, body] = sealed.split(":");
  if (version !== VERSION || !iv || !tag || body === undefined)
    throw new Error("Unrecognised encrypted secret");
  try {
    const authTag = Buffer.from(tag, "base64");
    // A shortened GCM tag would make forgery cheap: only the full 16 bytes are accepted.
    if (authTag.length !== 16) throw new Error("bad tag length");
    const decipher = createDecipheriv("aes-256-gcm", loadKey(), Buffer.from(iv, "base64"), {
      authTagLength: 16,
    });
    decipher.setAuthTag(authTag);
    return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new Error(
      "A stored secret cannot be decrypted: the secret key changed. Set CUSTODIAN_SECRET_KEY back, or enter the secret again.",
    );
  }
}

export function resetSecretKeyForTests(): void {
  cachedKey = undefined;
}

/** A key for one purpose (e.g. signing download links), derived from the secret key. */
export function derivedKey(purpose: string): Buffer {
  return Buffer.from(
    hkdfSync("sha256", loadKey(), Buffer.alloc(0), Buffer.from(`custodian:${purpose}`), 32),
  );
}
