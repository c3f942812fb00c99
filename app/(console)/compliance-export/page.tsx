import { can } from "@/lib/auth/rights.ts";
import { listJobViews } from "@/lib/jobs/job-view.ts";
import { readExportSettingsView } from "@/lib/settings/read-export-settings-view.ts";
import { serverTimeZone } from "@/lib/settings/schema.ts";
import { JobsTable } from "@/components/jobs/jobs-table.tsx";
import { QueryProvider } from "@/components/query-provider.tsx";
import { requestInfo } from "@/app/_server/request-info.ts";
import { requirePageSession, sessionActor } from "@/app/_server/session.ts";
import { cancelJobAction, runExportNowAction } from "./actions.ts";
import { ExportSettingsForm } from "./settings-form.tsx";

export const dynamic = "force-dynamic";

/** The settings (for admins with configure, as the API) and the job table (any export right). */
export default async function ComplianceExportPage() {
  const session = await requirePageSession("/compliance-export");
  const configure = can(session.user, "configure");
  const view = configure ? await readExportSettingsView({ actor: sessionActor(session, await requestInfo()), apiPath: "/compliance-export" }) : null;
  const jobs = can(session.user, ["request", "download", "configure"]) ? await listJobViews() : [];
  return (
    <QueryProvider>
      <h1>Compliance Export</h1>
      {view ? <ExportSettingsForm initial={view} timeZones={timeZoneOptions()} /> : <p className="card">The export settings are shown to admins with the configure right.</p>}
      <JobsTable initialJobs={jobs} canRun={can(session.user, "request")} canDownload={can(session.user, "download")} runNow={runExportNowAction} cancel={cancelJobAction} />
    </QueryProvider>
  );
}

function timeZoneOptions(): string[] {
  return [...new Set([...Intl.supportedValuesOf("timeZone"), "UTC", serverTimeZone()])].sort();
}
