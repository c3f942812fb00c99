export const RIGHTS = ["configure", "request", "download", "audit", "manage_admins"] as const;
export type Right = (typeof RIGHTS)[number];

export const RIGHT_LABELS: Record<Right, string> = {
  configure: "Change export settings and policies",
  request: "Run and request exports",
  download: "Download completed exports",
  audit: "Read the audit log",
  manage_admins: "Add and remove admins, grant rights",
};

export type Principal = {
  id: string;
  isOwner: boolean;
  rights: readonly Right[];
  disabled?: boolean;
};

/** What an action needs: a right, any one of several, all of several ({ all }), the owner, or just an active admin ("signed-in"). */
export type Requirement =
  Right | "owner" | "signed-in" | readonly Right[] | { readonly all: readonly Right[] };

/** The one place that decides whether an admin may do something. */
export function can(user: Principal | null | undefined, right: Requirement): boolean {
  if (!user || user.disabled) return false;
  if (user.isOwner || right === "signed-in") return true;
  if (right === "owner") return false;
  if (typeof right === "string") return user.rights.includes(right);
  if ("all" in right) return right.all.every((r) => user.rights.includes(r));
  return right.some((r) => user.rights.includes(r));
}
