// The error a job stores (shown on its page, in `jobs show`, in notifications) is for admins: no
// source paths, no code excerpts, no stack. The raw error goes to the log with the job id.

const PATH = /(?:file:\/\/)?(?:\/[\w.@+-]+)+\.(?:[cm]?[jt]sx?)(?::\d+(?::\d+)?)?/g;
/** Prisma's code frame: "  12   await db()…", "→ 13 …", and the "invocation in" line. */
const CODE_LINE = /^\s*(?:→\s*)?\d+\s[^\n]*$|^\s*at\s.+$/;

/** One readable sentence or two for an error; Prisma errors keep their code and their last line. */
export function adminErrorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error).replace(PATH, "").trim() || "Unknown error.";
  const e = error as Error & { code?: unknown };
  const lines = e.message
    .split("\n")
    .filter((l) => !CODE_LINE.test(l))
    .map((l) =>
      l
        .replace(PATH, "")
        .replace(/\s+invocation in\s*:?$/i, " failed.")
        .trim(),
    )
    .filter((l) => l !== "");
  const isPrisma =
    /^PrismaClient/.test(e.name) || (typeof e.code === "string" && /^P\d{4}$/.test(e.code));
  if (isPrisma) {
    const reason = lines[lines.length - 1] ?? "the database refused the operation";
    const code = typeof e.code === "string" ? ` (${e.code})` : "";
    return `Database error${code}: ${reason.replace(/^Invalid `[^`]+`\s*/, "")}`.slice(0, 1000);
  }
  return (lines.join(" ") || e.name).slice(0, 1000);
}
