import type { Metadata } from "next";
import { headers } from "next/headers";
import { ForbiddenMessage } from "@/components/console/forbidden-message.tsx";
import { pageRight } from "@/app/_server/page-rights.ts";

export const metadata: Metadata = { title: "Not allowed" };

/** 403 for a page load the console layout refused (before any of the page streamed). */
export default async function Forbidden() {
  const path = (await headers()).get("x-custodian-path") ?? "";
  return (
    <main className="auth-page">
      <div className="auth-card" role="region" aria-labelledby="forbidden-heading">
        <ForbiddenMessage right={pageRight(path)?.label ?? "a right you do not have"} />
      </div>
    </main>
  );
}
