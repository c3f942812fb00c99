import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { can } from "@/lib/auth/rights.ts";
import { listPolicyViews } from "@/lib/policies/policy-view.ts";
import { listTargets } from "@/lib/targets/list-targets.ts";
import { requirePageSession } from "@/app/_server/session.ts";
import { PoliciesManager } from "./policies-manager.tsx";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Export policies" };

/** Every export policy: who has any export right sees them; the configure right edits them. */
export default async function PoliciesPage() {
  const session = await requirePageSession("/policies");
  if (!can(session.user, ["request", "download", "configure"])) forbidden();
  const canConfigure = can(session.user, "configure");
  const targets = canConfigure
    ? (await listTargets()).map((t) => ({
        id: t.id,
        name: t.name,
        kind: t.kind,
        disabled: t.disabled,
      }))
    : [];
  return (
    <>
      <h1>Export policies</h1>
      <p className="help">
        Each policy exports the conversations its filters choose, in its format, to its target, on
        its schedule, with its own cursor, jobs and manifest chain. The Compliance Export page edits
        the policy “default”.
      </p>
      <PoliciesManager
        initial={await listPolicyViews()}
        targets={targets}
        timeZones={timeZoneOptions()}
        canConfigure={canConfigure}
        canRun={can(session.user, "request")}
      />
    </>
  );
}

function timeZoneOptions(): string[] {
  return [...new Set([...Intl.supportedValuesOf("timeZone"), "UTC"])].sort();
}
