import { notFound } from "next/navigation";
import { listAdmins } from "@/lib/admins/list-admins.ts";
import { can } from "@/lib/auth/rights.ts";
import { requirePageSession } from "@/app/_server/session.ts";
import { AdminsManager } from "./admins-manager.tsx";

export const dynamic = "force-dynamic";

export default async function AdminsPage() {
  const session = await requirePageSession("/admins");
  if (!can(session.user, "manage_admins")) notFound();
  return (
    <>
      <h1>Admins</h1>
      <p className="help">What each admin may do. &ldquo;Who can request and download exports&rdquo; is the Request and Download columns.</p>
      <AdminsManager admins={await listAdmins()} currentUserId={session.user.id} isOwner={session.user.isOwner} />
    </>
  );
}
