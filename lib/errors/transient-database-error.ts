// Which database errors pass by themselves (issue 15 item 6): a dropped or reset connection, a
// timeout, a serialization failure or deadlock, a busy SQLite file. A job that meets one backs off
// and is resumed from its last committed batch; any other error is permanent and fails the job.

/** Prisma: can't reach / timed out / closed the connection, pool timeout, write conflict or deadlock. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2034"]);
/** PostgreSQL SQLSTATEs: serialization failure, deadlock, admin/crash shutdown, cannot connect now. */
const PG_CODES = new Set(["40001", "40P01", "57P01", "57P02", "57P03"]);
const NODE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);
const SQLITE_CODES = new Set([
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
  "SQLITE_BUSY_SNAPSHOT",
  "SQLITE_BUSY_TIMEOUT",
]);
const MESSAGES =
  /connection (was )?(reset|terminated|closed|refused|ended)|Connection terminated|server closed the connection|Can't reach database server|timed out|timeout exceeded|ECONNRESET|ECONNREFUSED|EPIPE|SQLITE_BUSY|database is locked|deadlock detected|could not serialize access|terminating connection due to administrator command|Client has encountered a connection error/i;

/** True for an error worth retrying after a pause: the same operation may well succeed then. */
export function isTransientDatabaseError(error: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): boolean => {
    if (e === null || e === undefined || depth > 6 || seen.has(e)) return false;
    seen.add(e);
    if (typeof e === "string") return MESSAGES.test(e);
    if (typeof e !== "object") return false;
    const o = e as Record<string, unknown>;
    const code =
      typeof o.code === "string"
        ? o.code
        : typeof o.errorCode === "string"
          ? o.errorCode
          : undefined;
    if (
      code &&
      (PRISMA_CODES.has(code) ||
        PG_CODES.has(code) ||
        NODE_CODES.has(code) ||
        SQLITE_CODES.has(code) ||
        /^08[0-9A-Z]{3}$/.test(code))
    )
      return true;
    if (o.kind === "postgres" || o.kind === "sqlite") {
      if (typeof o.code === "string" && (PG_CODES.has(o.code) || /^08/.test(o.code))) return true;
      if (typeof o.extendedCode === "number" && (o.extendedCode & 0xff) === 5) return true; // SQLITE_BUSY family
    }
    // The driver adapters name connection failures by kind (e.g. DatabaseNotReachable, SocketTimeout).
    if (
      typeof o.kind === "string" &&
      /NotReachable|Timeout|ConnectionClosed|TransactionWriteConflict|TooManyConnections|SocketTimeout/i.test(
        o.kind,
      )
    )
      return true;
    if (o.name === "PrismaClientInitializationError" || o.name === "PrismaClientRustPanicError")
      return typeof o.message === "string" && MESSAGES.test(o.message);
    if (typeof o.message === "string" && MESSAGES.test(o.message)) return true;
    return (
      visit(o.cause, depth + 1) ||
      visit(o.meta, depth + 1) ||
      visit((o.meta as Record<string, unknown> | undefined)?.driverAdapterError, depth + 1)
    );
  };
  return visit(error, 0);
}
