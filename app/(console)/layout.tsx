import { headers } from "next/headers";
import { forbidden } from "next/navigation";
import type { ReactNode } from "react";
import { can } from "@/lib/auth/rights.ts";
import { ConsoleProviders } from "@/components/console/console-providers.tsx";
import { SidebarNav, type NavItem } from "@/components/console/sidebar-nav.tsx";
import { logoutAction } from "@/app/(auth)/login/actions.ts";
import { pageRight } from "@/app/_server/page-rights.ts";
import { requirePageSession } from "@/app/_server/session.ts";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const { user } = await requirePageSession("/");
  // Refused here, before anything streams, so a page load answers 403 (pages stream behind their
  // loading skeletons, and a status cannot change once streaming started); pages check again.
  const rule = pageRight((await headers()).get("x-custodian-path") ?? "");
  if (rule && !can(user, rule.right)) forbidden();
  const compliance: NavItem[] = [
    { href: "/", label: "Overview" },
    { href: "/compliance-export", label: "Compliance Export" },
    ...(can(user, ["request", "download", "configure"])
      ? [
          { href: "/policies", label: "Export policies" },
          { href: "/jobs", label: "Export jobs" },
        ]
      : []),
    ...(can(user, ["request", "download"])
      ? [{ href: "/requests", label: "Export requests" }]
      : []),
    ...(can(user, ["audit", "request"]) ? [{ href: "/completeness", label: "Completeness" }] : []),
    ...(can(user, "audit") ? [{ href: "/audit-log", label: "Audit log" }] : []),
  ];
  const administration: NavItem[] = [
    ...(can(user, "manage_admins") ? [{ href: "/admins", label: "Admins" }] : []),
    ...(can(user, "configure")
      ? [
          { href: "/targets", label: "Targets" },
          { href: "/notifications", label: "Notifications" },
          { href: "/ingest-tokens", label: "Ingest tokens" },
        ]
      : []),
    { href: "/account", label: "Your account" },
  ];
  const account = (
    <div className="account">
      <div className="account-email">{user.email}</div>
      <div>{user.isOwner ? "Owner" : "Admin"}</div>
      <form action={logoutAction}>
        <button type="submit" className="link">
          Sign out
        </button>
      </form>
    </div>
  );
  return (
    <ConsoleProviders>
      <div className="console">
        <a className="skip-link" href="#content">
          Skip to content
        </a>
        <SidebarNav
          sections={[
            { title: "Compliance", items: compliance },
            { title: "Administration", items: administration },
          ]}
          account={account}
        />
        <main className="content" id="content">
          {children}
        </main>
      </div>
    </ConsoleProviders>
  );
}
