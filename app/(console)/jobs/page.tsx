import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { can } from "@/lib/auth/rights.ts";
import { listJobsPage, ZJobsPageQuery } from "@/lib/jobs/list-jobs-page.ts";
import { DEFAULT_FILTERS } from "@/components/jobs/job-labels.ts";
import { JobsTable } from "@/components/jobs/jobs-table.tsx";
import { requirePageSession } from "@/app/_server/session.ts";
import { cancelJobFromDetailAction } from "./actions.ts";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Export jobs" };

/** Every export job of every policy and trigger, live. */
export default async function JobsPage() {
  const session = await requirePageSession("/jobs");
  if (!can(session.user, ["request", "download", "configure"])) forbidden();
  const page = await listJobsPage({ query: ZJobsPageQuery.parse(DEFAULT_FILTERS) });
  return (
    <>
      <h1>Export jobs</h1>
      <JobsTable
        heading="All jobs"
        initialPage={page}
        canRun={can(session.user, "request")}
        canDownload={can(session.user, "download")}
        cancel={cancelJobFromDetailAction}
      />
    </>
  );
}
