import type { Requirement } from "@/lib/auth/rights.ts";

/** Console pages a right guards, with how the 403 page names the right. */
export const PAGE_RIGHTS: Array<{ path: RegExp; right: Requirement; label: string }> = [
  { path: /^\/audit-log(?=$|[/?])/, right: "audit", label: "the audit right" },
  { path: /^\/admins(?=$|[/?])/, right: "manage_admins", label: "the manage admins right" },
  {
    path: /^\/(notifications|ingest-tokens|targets)(?=$|[/?])/,
    right: "configure",
    label: "the configure right",
  },
  {
    path: /^\/requests(?=$|[/?])/,
    right: ["request", "download"],
    label: "the request or download right",
  },
  {
    path: /^\/jobs(?=$|[/?])/,
    right: ["request", "download", "configure"],
    label: "the request, download or configure right",
  },
  {
    path: /^\/completeness(?=$|[/?])/,
    right: ["audit", "request"],
    label: "the audit or request right",
  },
];

export function pageRight(path: string): (typeof PAGE_RIGHTS)[number] | undefined {
  return PAGE_RIGHTS.find((p) => p.path.test(path));
}
