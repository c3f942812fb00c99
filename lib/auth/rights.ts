export const RIGHTS = ["configure", "request", "download", "audit"] as const;
export type Right = (typeof RIGHTS)[number];

export const RIGHT_LABELS: Record<Right, string> = {
  configure: "Change export settings and policies",
  request: "Run and request exports",
  download: "Download completed exports",
  audit: "Read the audit log",
};

export type Principal = { id: string; isOwner: boolean; rights: readonly Right[]; disabled?: boolean };

/** The one place that decides whether an admin may do something (any of several rights, when given a list). */
export function can(user: Principal | null | undefined, right: Right | "owner" | readonly Right[]): boolean {
  if (!user || user.disabled) return false;
  if (user.isOwner) return true;
  if (right === "owner") return false;
  return typeof right === "string" ? user.rights.includes(right) : right.some((r) => user.rights.includes(r));
}
