import type { ReactNode } from "react";
import { can } from "@/lib/auth/rights.ts";
import { SidebarNav, type NavItem } from "@/components/console/sidebar-nav.tsx";
import { logoutAction } from "@/app/(auth)/login/actions.ts";
import { requirePageSession } from "@/app/_server/session.ts";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const { user } = await requirePageSession("/");
  const compliance: NavItem[] = [{ href: "/compliance-export", label: "Compliance Export" }];
  const integrations: NavItem[] = can(user, "configure") ? [{ href: "/ingest-tokens", label: "Ingest tokens" }] : [];
  return (
    <div className="console">
      <a className="skip-link" href="#content">Skip to content</a>
      <aside className="sidebar">
        <div className="brand">Custodian</div>
        <SidebarNav sections={[{ title: "Compliance", items: compliance }, ...(integrations.length ? [{ title: "Integrations", items: integrations }] : [])]} />
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
