import type { Metadata } from "next";
import { can } from "@/lib/auth/rights.ts";
import { readOverview } from "@/lib/overview/read-overview.ts";
import { OverviewView } from "@/components/overview/overview-view.tsx";
import { requirePageSession } from "@/app/_server/session.ts";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Overview" };

/** The landing page: is the archive complete and current, and is anything wrong right now? */
export default async function OverviewPage() {
  const session = await requirePageSession("/");
  if (!can(session.user, ["request", "download", "configure"])) {
    return (
      <>
        <h1>Overview</h1>
        <p className="card">
          The export status is shown to admins with the request, download or configure right. Ask
          the owner for one of them.
        </p>
      </>
    );
  }
  return <OverviewView overview={await readOverview()} />;
}
