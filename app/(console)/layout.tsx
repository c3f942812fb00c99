import type { ReactNode } from "react";
import { can } from "@/lib/auth/rights.ts";
import { SidebarNav, type NavItem } from "@/components/console/sidebar-nav.tsx";
import { logoutAction } from "@/app/(auth)/login/actions.ts";
import { requirePageSession } from "@/app/_server/session.ts";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const { user } = await requirePageSession("/");
  const compliance: NavItem[] = [
    { href: "/compliance-export", label: "Compliance Export" },
    ...(can(user, ["request", "download"]) ? [{ href: "/requests", label: "Export requests" }] : []),
    ...(can(user, "audit") ? [{ href: "/audit-log", label: "Audit log" }] : []),
  ];
  const administration: NavItem[] = [
    ...(can(user, "manage_admins") ? [{ href: "/admins", label: "Admins" }] : []),
    ...(can(user, "configure") ? [{ href: "/notifications", label: "Notifications" }, { href: "/ingest-tokens", label: "Ingest tokens" }] : []),
    { href: "/account", label: "Your account" },
  ];
  return (
    <div className="console">
      <a className="skip-link" href="#content">Skip to content</a>
      <aside className="sidebar">
        <div className="brand">Custodian</div>
        <SidebarNav sections={[{ title: "Compliance", items: compliance }, { title: "Administration", items: administration }]} />
        <div className="account">
          <div>{user.email}</div>
          <div>{user.isOwner ? "Owner" : "Admin"}</div>
          <form action={logoutAction}>
            <button type="submit" className="link">Sign out</button>
          </form>
        </div>
      </aside>
      <main className="content" id="content">{children}</main>
    </div>
  );
}
