import { can } from "@/lib/auth/rights.ts";
import { readExportSettingsView } from "@/lib/settings/read-export-settings-view.ts";
import { serverTimeZone } from "@/lib/settings/schema.ts";
import { requestInfo } from "@/app/_server/request-info.ts";
import { requirePageSession, sessionActor } from "@/app/_server/session.ts";
import { ExportSettingsForm } from "./settings-form.tsx";

export const dynamic = "force-dynamic";

export default async function ComplianceExportPage() {
  const session = await requirePageSession("/compliance-export");
  const view = await readExportSettingsView({ actor: sessionActor(session, await requestInfo()), apiPath: "/compliance-export" });
  return (
    <>
      <h1>Compliance Export</h1>
      <ExportSettingsForm initial={view} canConfigure={can(session.user, "configure")} timeZones={timeZoneOptions()} />
    </>
  );
}

function timeZoneOptions(): string[] {
  const zones = new Set(Intl.supportedValuesOf("timeZone"));
  zones.add("UTC");
  zones.add(serverTimeZone());
  return [...zones].sort();
}
