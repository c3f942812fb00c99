import { hash, verify, type Options } from "@node-rs/argon2";

// OWASP's argon2id minimum (m=19 MiB, t=2, p=1); the parameters travel inside each hash, so
// raising them later still verifies older hashes.
// (Algorithm is a const enum, which isolated modules cannot read: 2 is Argon2id.)
const PARAMS: Options = { algorithm: 2 as Options["algorithm"], memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
}

export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real check, so unknown accounts cannot be told from wrong passwords. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword("custodian-timing-equaliser");
  await verifyPassword(await dummyHash, password);
}
