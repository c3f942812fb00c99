import { readFile } from "node:fs/promises";
import { z } from "zod";
import { UserError } from "../errors/user-error.ts";
import { KEY_WRAP_ALGORITHM } from "./envelope.ts";

/**
 * An attachment key file (`keys export`) is a JSON Web Key (RFC 7517): a symmetric key ("oct")
 * for AES key wrap ("A256KW"), its id in "kid", the 32 bytes base64url-encoded in "k". Any JOSE
 * library reads it; docs/attachment-encryption.md shows how to use it without Custodian.
 */
export const ZAttachmentKeyFile = z.object({
  kty: z.literal("oct"),
  kid: z.string().regex(/^k[1-9][0-9]{0,8}$/, "kid is not an attachment key id"),
  alg: z.literal(KEY_WRAP_ALGORITHM),
  use: z.literal("enc").optional(),
  k: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "k is not 32 bytes in base64url"),
  created_at: z.string().optional(),
  retired_at: z.string().nullable().optional(),
});
export type AttachmentKeyFile = z.infer<typeof ZAttachmentKeyFile>;

export function renderKeyFile(key: {
  id: string;
  bytes: Buffer;
  createdAt: Date;
  retiredAt: Date | null;
}): string {
  const jwk: AttachmentKeyFile = {
    kty: "oct",
    kid: key.id,
    alg: KEY_WRAP_ALGORITHM,
    use: "enc",
    k: key.bytes.toString("base64url"),
    created_at: key.createdAt.toISOString(),
    retired_at: key.retiredAt?.toISOString() ?? null,
  };
  return `${JSON.stringify(jwk, null, 2)}\n`;
}

/** Reads a key file; a refusal names the file and what is wrong with it (never the key). */
export async function readKeyFile(file: string): Promise<{ id: string; bytes: Buffer }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      code ? `${file}: cannot read it (${code})` : `${file}: not a JSON key file`,
    );
  }
  const result = ZAttachmentKeyFile.safeParse(parsed);
  if (!result.success)
    throw new UserError(
      `${file}: not an attachment key file (${result.error.issues.map((i) => i.message).join("; ")})`,
    );
  return { id: result.data.kid, bytes: Buffer.from(result.data.k, "base64url") };
}
