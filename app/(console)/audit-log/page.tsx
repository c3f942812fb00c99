import { notFound } from "next/navigation";
import { queryAudits } from "@/lib/audit/query-audits.ts";
import { record } from "@/lib/audit/record.ts";
import { ZAuditQuery } from "@/lib/audit/schema.ts";
import { ZAuditEventName } from "@/lib/audit/events.ts";
import { can } from "@/lib/auth/rights.ts";
import { requestInfo } from "@/app/_server/request-info.ts";
import { requirePageSession, sessionActor } from "@/app/_server/session.ts";
import { AuditLogView } from "./audit-log-view.tsx";

export const dynamic = "force-dynamic";

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requirePageSession("/audit-log");
  if (!can(session.user, "audit")) notFound();
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = ZAuditQuery.safeParse(raw);
  const query = parsed.success ? parsed.data : {};
  const page = await queryAudits(query);
  await record({ eventName: "getAudits", status: "success", actor: sessionActor(session, await requestInfo()), objectType: "audit", apiPath: "/audit-log", parameters: query });
  return (
    <>
      <h1>Audit log</h1>
      <AuditLogView query={query} invalid={!parsed.success} events={ZAuditEventName.options} records={page.records} next={page.next} />
    </>
  );
}
