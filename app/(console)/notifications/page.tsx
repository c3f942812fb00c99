import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { can } from "@/lib/auth/rights.ts";
import {
  loadNotificationSettings,
  toNotificationSettingsView,
} from "@/lib/notifications/notification-settings-store.ts";
import { requirePageSession } from "@/app/_server/session.ts";
import { NotificationsForm } from "./notifications-form.tsx";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  const session = await requirePageSession("/notifications");
  if (!can(session.user, "configure")) forbidden();
  return (
    <>
      <h1>Notifications</h1>
      <p className="help">
        Email for requesters when their export is ready, and for the people below when an export
        fails, ends with warnings, or has not run on schedule for more than a day. This mail server
        is separate from Global Relay&rsquo;s.
      </p>
      <NotificationsForm
        initial={toNotificationSettingsView(await loadNotificationSettings())}
        isOwner={session.user.isOwner}
        now={Date.now()}
      />
    </>
  );
}
