import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { readAuditLogPage } from "@/lib/audit/read-audit-log-page.ts";
import { record } from "@/lib/audit/record.ts";
import { ZAuditQuery } from "@/lib/audit/schema.ts";
import { ZAuditEventName } from "@/lib/audit/events.ts";
import { can } from "@/lib/auth/rights.ts";
import { requestInfo } from "@/app/_server/request-info.ts";
import { requirePageSession, sessionActor } from "@/app/_server/session.ts";
import { AuditLogView } from "./audit-log-view.tsx";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Audit log" };

export default async function AuditLogPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const session = await requirePageSession("/audit-log");
  if (!can(session.user, "audit")) forbidden();
  const raw = Object.fromEntries(
    Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
  );
  const parsed = ZAuditQuery.safeParse(raw);
  // Page views are hidden unless asked for: they are most of the log and rarely what is looked for.
  const query = { views: "hide" as const, ...(parsed.success ? parsed.data : {}) };
  const page = await readAuditLogPage(query);
  await record({
    eventName: "getAudits",
    status: "success",
    actor: sessionActor(session, await requestInfo()),
    objectType: "audit",
    apiPath: "/audit-log",
    parameters: query,
  });
  return (
    <>
      <h1>Audit log</h1>
      <AuditLogView
        query={query}
        invalid={!parsed.success}
        events={ZAuditEventName.options}
        page={page}
      />
    </>
  );
}
