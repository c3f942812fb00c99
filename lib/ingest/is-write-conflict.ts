import { ConcurrentChangeError } from "./types.ts";

// Prisma: P2002 unique constraint, P2034 write conflict or deadlock. PostgreSQL: 23505 unique
// violation, 40001 serialization failure, 40P01 deadlock.
const PRISMA_CODES = new Set(["P2002", "P2034"]);
const SQLSTATES = new Set(["23505", "40001", "40P01"]);

/** True for failures caused by another transaction writing the same rows at the same time. */
export function isWriteConflict(error: unknown): boolean {
  if (error instanceof ConcurrentChangeError) return true;
  for (
    let e: unknown = error, depth = 0;
    e && typeof e === "object" && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const { code, originalCode } = e as { code?: unknown; originalCode?: unknown };
    if (typeof code === "string" && (PRISMA_CODES.has(code) || SQLSTATES.has(code))) return true;
    if (typeof originalCode === "string" && SQLSTATES.has(originalCode)) return true;
  }
  return false;
}
