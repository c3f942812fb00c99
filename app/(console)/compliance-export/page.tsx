import type { Metadata } from "next";
import { can } from "@/lib/auth/rights.ts";
import { listJobsPage, ZJobsPageQuery } from "@/lib/jobs/list-jobs-page.ts";
import { readExportSettingsView } from "@/lib/export-settings/read-export-settings-view.ts";
import { serverTimeZone } from "@/lib/settings/schema.ts";
import { listTargets } from "@/lib/targets/list-targets.ts";
import { DEFAULT_FILTERS } from "@/components/jobs/job-labels.ts";
import { JobsTable } from "@/components/jobs/jobs-table.tsx";
import { requestInfo } from "@/app/_server/request-info.ts";
import { requirePageSession, sessionActor } from "@/app/_server/session.ts";
import { cancelJobAction, runExportFromAction, runExportNowAction } from "./actions.ts";
import { ExportSettingsForm } from "./settings-form.tsx";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Compliance Export" };

/** The settings (for admins with configure, as the API) and the job table (any export right). */
export default async function ComplianceExportPage() {
  const session = await requirePageSession("/compliance-export");
  const configure = can(session.user, "configure");
  const view = configure
    ? await readExportSettingsView({
        actor: sessionActor(session, await requestInfo()),
        apiPath: "/compliance-export",
      })
    : null;
  const seesJobs = can(session.user, ["request", "download", "configure"]);
  const jobs = seesJobs
    ? await listJobsPage({ query: ZJobsPageQuery.parse(DEFAULT_FILTERS) })
    : null;
  return (
    <>
      <h1>Compliance Export</h1>
      {view ? (
        <ExportSettingsForm
          initial={view}
          timeZones={timeZoneOptions()}
          destinations={await destinationOptions()}
        />
      ) : (
        <p className="card">The export settings are shown to admins with the configure right.</p>
      )}
      {jobs && (
        <JobsTable
          initialPage={jobs}
          canRun={can(session.user, "request")}
          canDownload={can(session.user, "download")}
          runNow={runExportNowAction}
          runFrom={runExportFromAction}
          cancel={cancelJobAction}
        />
      )}
    </>
  );
}

async function destinationOptions() {
  return (await listTargets())
    .filter((t) => t.kind !== "smtp")
    .map((t) => ({ id: t.id, name: t.name, destination: t.destination, disabled: t.disabled }));
}

function timeZoneOptions(): string[] {
  return [...new Set([...Intl.supportedValuesOf("timeZone"), "UTC", serverTimeZone()])].sort();
}
