import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { can } from "@/lib/auth/rights.ts";
import { listExportRequests } from "@/lib/requests/list-export-requests.ts";
import { requirePageSession } from "@/app/_server/session.ts";
import { RequestsView } from "./requests-view.tsx";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Export requests" };

export default async function RequestsPage() {
  const session = await requirePageSession("/requests");
  if (!can(session.user, ["request", "download"])) forbidden();
  return (
    <>
      <h1>Export requests</h1>
      <RequestsView
        initial={await listExportRequests()}
        canRequest={can(session.user, "request")}
        canDownload={can(session.user, "download")}
      />
    </>
  );
}
