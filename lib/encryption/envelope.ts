import {
  createCipheriv,
  createDecipheriv,
  randomBytes,
  type CipherGCM,
  type DecipherGCM,
} from "node:crypto";

// The file encryption of the attachment store and of exports made with "decrypt" off
// (docs/attachment-encryption.md). Names follow JOSE (RFC 7518): a file's bytes are AES-256-GCM
// ("A256GCM": 96-bit nonce, 128-bit tag, no additional data) under a data key of its own; the data
// key is wrapped with RFC 3394 AES key wrap ("A256KW") under an attachment key.

export const FILE_ALGORITHM = "A256GCM";
export const KEY_WRAP_ALGORITHM = "A256KW";
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
// RFC 3394 §2.2.3.1: the default initial value.
const KW_IV = Buffer.from("A6A6A6A6A6A6A6A6", "hex");

/** What decrypts one file besides its attachment key: all binary fields in standard base64. */
export type FileEnvelope = {
  alg: typeof FILE_ALGORITHM;
  keyWrap: typeof KEY_WRAP_ALGORITHM;
  keyId: string;
  wrappedKey: string;
  nonce: string;
  tag: string;
};

/** The stored bytes fail authentication (AES-GCM tag), or decrypt to other bytes than recorded. */
export class IntegrityError extends Error {
  constructor(
    message: string,
    /** SHA-256 of what the bytes decrypt to (unauthenticated, never exported), when known. */
    readonly actualSha256 = "",
  ) {
    super(message);
  }
}

/** The key does not unwrap the data key: another attachment key, or a damaged wrapped key. */
export class WrongKeyError extends Error {}

export function newDataKey(): { dataKey: Buffer; nonce: Buffer } {
  return { dataKey: randomBytes(KEY_BYTES), nonce: randomBytes(NONCE_BYTES) };
}

export function newAttachmentKeyBytes(): Buffer {
  return randomBytes(KEY_BYTES);
}

export function wrapDataKey(attachmentKey: Buffer, dataKey: Buffer): Buffer {
  const cipher = createCipheriv("id-aes256-wrap", attachmentKey, KW_IV);
  return Buffer.concat([cipher.update(dataKey), cipher.final()]);
}

export function unwrapDataKey(attachmentKey: Buffer, wrapped: Buffer): Buffer {
  try {
    const decipher = createDecipheriv("id-aes256-wrap", attachmentKey, KW_IV);
    const key = Buffer.concat([decipher.update(wrapped), decipher.final()]);
    if (key.length !== KEY_BYTES) throw new Error("bad length");
    return key;
  } catch {
    throw new WrongKeyError("the attachment key does not unwrap this file's data key");
  }
}

/** A streaming encryptor; its tag (getAuthTag) exists once it has ended. */
export function fileEncryptor(dataKey: Buffer, nonce: Buffer): CipherGCM {
  return createCipheriv("aes-256-gcm", dataKey, nonce, { authTagLength: TAG_BYTES });
}

/** A streaming decryptor that errors at its end when the bytes or the tag were changed. */
export function fileDecryptor(dataKey: Buffer, nonce: Buffer, tag: Buffer): DecipherGCM {
  // A shortened tag would make forgery cheap: only the full 16 bytes are accepted.
  if (tag.length !== TAG_BYTES || nonce.length !== NONCE_BYTES)
    throw new IntegrityError("the nonce or tag has the wrong length");
  const decipher = createDecipheriv("aes-256-gcm", dataKey, nonce, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  return decipher;
}

/** Whether an error is a GCM decipher's tag check failing (Node's message; the error has no code). */
export function isAuthenticationFailure(error: unknown): boolean {
  return error instanceof Error && /unable to authenticate data/.test(error.message);
}

export const b64 = (bytes: Buffer): string => bytes.toString("base64");
export const unb64 = (text: string): Buffer => Buffer.from(text, "base64");
