import { createHash, randomBytes } from "node:crypto";

// z-base-32, the alphabet Mattermost's 26-character ids use, so derived ids look like theirs.
const ALPHABET = "ybndrfg8ejkmcpqxot1uwisza345h769";

function encode26(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 26) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
    if (out.length === 26) break;
  }
  return out;
}

/** A 26-character id that is the same every time for the same parts (re-imports stay idempotent). */
export function derivedId(...parts: Array<string | number>): string {
  // JSON keeps ["a","bc"] and ["ab","c"] apart.
  return encode26(createHash("sha256").update(JSON.stringify(parts)).digest());
}

/** A fresh random 26-character id. */
export function newId(): string {
  return encode26(randomBytes(17));
}
