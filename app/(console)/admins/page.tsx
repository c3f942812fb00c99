import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { listAdmins } from "@/lib/admins/list-admins.ts";
import { can } from "@/lib/auth/rights.ts";
import { requirePageSession } from "@/app/_server/session.ts";
import { AdminsManager } from "./admins-manager.tsx";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Admins" };

export default async function AdminsPage() {
  const session = await requirePageSession("/admins");
  if (!can(session.user, "manage_admins")) forbidden();
  return (
    <>
      <h1>Admins</h1>
      <p className="help">
        What each admin may do. &ldquo;Who can request and download exports&rdquo; is the Request
        and Download columns.
      </p>
      <p className="help" id="trust-model">
        <strong>Configure is a powerful right.</strong> Whoever holds it decides where the
        compliance archive is mailed and which mail server carries Custodian&rsquo;s email. Such a
        change is recorded in the audit log with the old and new destination, emailed to the owner
        and every admin with Audit, and clears the stored password unless it is entered again.
        Set-password links are not emailed through a notification server changed in the last 24
        hours until the owner confirms it on the Notifications page. Only the owner grants Manage
        admins or manages an admin who holds it, and nobody changes their own rights.
      </p>
      <AdminsManager
        admins={await listAdmins()}
        currentUserId={session.user.id}
        isOwner={session.user.isOwner}
      />
    </>
  );
}
