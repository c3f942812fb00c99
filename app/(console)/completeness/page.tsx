import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { can } from "@/lib/auth/rights.ts";
import { readCompleteness } from "@/lib/ingest/attestations/read-completeness.ts";
import { ZCompletenessQuery } from "@/lib/ingest/attestations/schema.ts";
import { requirePageSession } from "@/app/_server/session.ts";
import { CompletenessView } from "./completeness-view.tsx";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Completeness" };

/** Attested vs received per channel-day (docs/ingest.md, Source attestations): for auditors and requesters. */
export default async function CompletenessPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const session = await requirePageSession("/completeness");
  if (!can(session.user, ["audit", "request"])) forbidden();
  const raw = Object.fromEntries(
    Object.entries(await searchParams).map(([k, v]) => [
      k,
      Array.isArray(v) ? v[0] : v || undefined,
    ]),
  );
  const parsed = ZCompletenessQuery.safeParse(raw);
  const query = parsed.success ? parsed.data : {};
  return (
    <>
      <h1>Completeness</h1>
      <CompletenessView
        query={query}
        invalid={!parsed.success}
        rows={await readCompleteness(query)}
      />
    </>
  );
}
