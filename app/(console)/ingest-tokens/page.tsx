import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { can } from "@/lib/auth/rights.ts";
import { listIngestTokens } from "@/lib/ingest/list-ingest-tokens.ts";
import { requirePageSession } from "@/app/_server/session.ts";
import { IngestTokens } from "./ingest-tokens.tsx";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Ingest tokens" };

export default async function IngestTokensPage() {
  const session = await requirePageSession("/ingest-tokens");
  if (!can(session.user, "configure")) forbidden();
  const tokens = (await listIngestTokens()).map((t) => ({
    ...t,
    createdAt: t.createdAt.getTime(),
    lastUsedAt: t.lastUsedAt?.getTime() ?? null,
    revokedAt: t.revokedAt?.getTime() ?? null,
  }));
  return (
    <>
      <h1>Ingest tokens</h1>
      <p className="help">
        The chat system sends its messages to <code>POST /api/v1/ingest</code> with{" "}
        <code>Authorization: Bearer &lt;token&gt;</code>. A token is shown once, when it is created.
      </p>
      <IngestTokens tokens={tokens} />
    </>
  );
}
