import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { can } from "@/lib/auth/rights.ts";
import { listTargets } from "@/lib/targets/list-targets.ts";
import { requirePageSession } from "@/app/_server/session.ts";
import { TargetsManager } from "./targets-manager.tsx";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Targets" };

/** Where exports go: local directories, S3-compatible buckets, archive mailboxes (configure right). */
export default async function TargetsPage() {
  const session = await requirePageSession("/targets");
  if (!can(session.user, "configure")) forbidden();
  return (
    <>
      <h1>Targets</h1>
      <p className="help">
        Where exports go. The Compliance Export writes the file formats to its Destination and mails
        the GlobalRelay EML format to the Global Relay target. Secrets are write-only.
      </p>
      <TargetsManager initial={await listTargets()} />
    </>
  );
}
