import { notFound } from "next/navigation";
import { can } from "@/lib/auth/rights.ts";
import { listExportRequests } from "@/lib/requests/list-export-requests.ts";
import { QueryProvider } from "@/components/query-provider.tsx";
import { requirePageSession } from "@/app/_server/session.ts";
import { RequestsView } from "./requests-view.tsx";

export const dynamic = "force-dynamic";

export default async function RequestsPage() {
  const session = await requirePageSession("/requests");
  if (!can(session.user, ["request", "download"])) notFound();
  return (
    <QueryProvider>
      <h1>Export requests</h1>
      <RequestsView initial={await listExportRequests()} canRequest={can(session.user, "request")} canDownload={can(session.user, "download")} />
    </QueryProvider>
  );
}
