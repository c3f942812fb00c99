import { hash, verify, type Options } from "@node-rs/argon2";

// OWASP's argon2id minimum (m=19 MiB, t=2, p=1); the parameters travel inside each hash, so
// raising them later still verifies older hashes.
// (Algorithm is a const enum, which isolated modules cannot read: 2 is Argon2id.)
const PARAMS: Options = {
  algorithm: 2 as Options["algorithm"],
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
};

/** The argon2 calls, as one object so tests can count the work done per attempt. */
export const passwordHasher = { hash, verify };

export function hashPassword(password: string): Promise<string> {
  return passwordHasher.hash(password, PARAMS);
}

/** An account with no usable hash (invited, reset, or corrupt) still costs one full argon2 check. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  if (!ARGON2_HASH.test(storedHash)) {
    await burnPasswordCheck(password);
    return false;
  }
  try {
    return await passwordHasher.verify(storedHash, password);
  } catch {
    return false;
  }
}

const ARGON2_HASH = /^\$argon2(id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real check, so unknown accounts cannot be told from wrong passwords. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword("custodian-timing-equaliser");
  await verifyPassword(await dummyHash, password);
}
